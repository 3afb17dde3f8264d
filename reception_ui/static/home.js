/** The staff home page: the session's sign-out button. */
import { start } from "./session.js";

start().catch(() => null);

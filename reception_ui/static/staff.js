/**
 * Staff sign-in with the API's session cookie: sign in, show who is signed in, sign out.
 */
import { api, ApiError } from "/static/api.js";
import { t } from "/static/i18n.js";

const form = document.getElementById("sign-in");
const status = document.getElementById("staff-status");
const signOut = document.getElementById("sign-out");

function show(user) {
  form.hidden = user !== null;
  signOut.hidden = user === null;
  if (user === null) return;
  const sites = user.sites.length ? user.sites.join(", ") : t("all_sites");
  status.textContent = t("signed_in", { name: user.display_name, role: user.role, sites });
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const data = new FormData(form);
  try {
    const user = await api("POST", "/auth/login", {
      json: { username: data.get("username"), password: data.get("password") },
    });
    show(user);
  } catch (error) {
    status.textContent = error instanceof ApiError && error.status === 401 ? t("failed") : error.message;
  }
});

signOut.addEventListener("click", async () => {
  await api("POST", "/auth/logout");
  show(null);
  status.textContent = t("signed_out");
});

api("GET", "/auth/me").then(show, () => show(null));

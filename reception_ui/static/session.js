/**
 * What every signed-in staff page shares: the session (CSRF token, sign-out, idle sign-out,
 * back to sign-in when the server ends the session), the live staff view of the site, the
 * messages line, and clocks that tick in the browser from the snapshot's timestamps.
 *
 *   import { start, act, live } from "./session.js";
 *   await start();                       // signed in, or off to the sign-in page
 *   live((snapshot) => draw(snapshot));  // every staff_queue snapshot
 *   await act(() => api("POST", ...), t("done", ...));
 */
import { api, ApiError } from "/static/api.js";
import { connect } from "/static/live.js";
import { t } from "/static/i18n.js";

const app = document.getElementById("staff-app");
const message = document.getElementById("message");
const connection = document.getElementById("connection");

/** The site the page is for (null on the home page). */
export const site = app?.dataset.site ?? null;
/** The site's targets, in seconds. */
export const targets = {
  greet: Number(app?.dataset.greetTargetS ?? 120),
  wait: Number(app?.dataset.waitTargetS ?? 900),
};
/** Amber from three quarters of a target (90 s of the 2-minute greeting), red past it. */
const AMBER_SHARE = 0.75;
const IDLE_MS = Number(app?.dataset.idleMin ?? 30) * 60_000;
// A test server may shift the page's clocks (data-clock-offset-s); everywhere else it is 0.
const testOffsetMs = Number(app?.dataset.clockOffsetS ?? 0) * 1000;
let serverSkewMs = 0;

/** The server's time now, as the browser best knows it. */
export function now() {
  return Date.now() + serverSkewMs + testOffsetMs;
}

function toSignIn(idle = false) {
  const next = encodeURIComponent(location.pathname + location.search);
  location.assign(`/staff/login?next=${next}${idle ? "&idle=1" : ""}`);
}

/** Show a result or a refusal in the page's message line. */
export function say(text, isError = false) {
  message.hidden = false;
  message.textContent = text;
  message.dataset.kind = isError ? "error" : "ok";
}

/**
 * Run one change; success says `done` (a string or a function of the answer), a refusal
 * (409 conflict, 422…) is shown plainly, in the words of `explain(error)` when it has some.
 * The live view redraws itself from the next push.
 */
export async function act(request, done, explain = () => null) {
  try {
    const answer = await request();
    if (done) say(typeof done === "function" ? done(answer) : done);
    return answer;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) toSignIn(error.code === "idle_timeout");
    say(explain(error) ?? t("conflict", { message: error.message }), true);
    return undefined;
  }
}

document.getElementById("sign-out").addEventListener("click", async () => {
  await api("POST", "/auth/logout").catch(() => null);
  location.assign("/staff/login");
});

/** Check the session (and get its CSRF token); sign out after a time without use. */
export async function start() {
  try {
    await api("GET", "/auth/me");
  } catch (error) {
    toSignIn(error instanceof ApiError && error.code === "idle_timeout");
    throw error;
  }
  let lastUse = Date.now();
  for (const event of ["pointerdown", "keydown"]) {
    document.addEventListener(event, () => (lastUse = Date.now()), { passive: true });
  }
  setInterval(() => {
    if (Date.now() - lastUse > IDLE_MS) {
      api("POST", "/auth/logout").finally(() => toSignIn(true));
    }
  }, 15_000);
}

/** Follow the site's staff view; `draw(snapshot)` gets every snapshot, newest wins. */
export function live(draw) {
  const socket = connect({
    onState: (state) => {
      connection.dataset.state = state;
      connection.textContent = state === "live" ? "" : t("offline");
    },
  });
  socket.subscribe(
    { site, view: "staff" },
    {
      onSnapshot: (snapshot) => {
        serverSkewMs = Date.parse(snapshot.generated_at) - Date.now();
        app.dataset.version = snapshot.version;
        draw(snapshot);
        tick();
      },
      onError: (refusal) => (refusal.code === "not_authenticated" ? toSignIn() : say(refusal.error, true)),
    },
  );
  setInterval(tick, 1000);
}

/** "m:ss" (or "h:mm:ss") for a number of milliseconds. */
export function duration(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

/**
 * A clock element: it counts up from `since` (ISO time) against a target in seconds; `until`
 * (ISO) stops it, as a started service stops the wait.
 */
export function clock(since, targetS, until = null) {
  const element = document.createElement("span");
  element.className = "clock";
  element.dataset.since = since;
  element.dataset.targetS = String(targetS);
  if (until) element.dataset.until = until;
  return element;
}

/** Redraw every clock on the page from the time now: the level turns amber, then red. */
function tick() {
  const at = now();
  for (const element of document.querySelectorAll(".clock[data-since]")) {
    const end = element.dataset.until ? Date.parse(element.dataset.until) : at;
    const elapsed = end - Date.parse(element.dataset.since);
    const target = Number(element.dataset.targetS) * 1000;
    element.textContent = duration(elapsed);
    element.dataset.level = elapsed >= target ? "red" : elapsed >= target * AMBER_SHARE ? "amber" : "ok";
  }
}

/** The time of day of an ISO instant, as the shop's clock shows it. */
export function timeOfDay(iso) {
  return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

/** When a visit's wait counts from: arrival, or its appointment time if it came early. */
export function waitSince(visit) {
  if (visit.kind === "appointment" && visit.scheduled_at && Date.parse(visit.scheduled_at) > Date.parse(visit.arrived_at)) {
    return visit.scheduled_at;
  }
  return visit.arrived_at;
}

/** A one-line description: service, kind, name, priority and needs. */
export function describe(visit) {
  const parts = [visit.service_name, visit.kind === "appointment" ? t("appointment") : t("walk_in")];
  if (visit.customer_name) parts.push(visit.customer_name);
  if (visit.priority) parts.push(t("priority"));
  if (visit.needs?.length) parts.push(visit.needs.join(", "));
  return parts.join(" · ");
}

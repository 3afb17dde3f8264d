/**
 * Drawing the lobby board from a `board` snapshot (docs/realtime.md). Every draw replaces
 * what was there and every list is capped, so a screen left open for weeks holds the same
 * number of elements on its last day as on its first.
 */
import { t } from "/static/i18n.js";

const RECENT_SHOWN = 6;
const DUE_SHOWN = 5;

/** An element with text (and a class). */
function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

/**
 * The latest call, large: number and desk, or that nobody is called yet.
 * @param {HTMLElement} target
 * @param {{number: string, desk: string, recall?: boolean} | null} call
 */
export function drawLatest(target, call) {
  if (!call) {
    target.replaceChildren(element("p", t("nobody"), "display-latest__empty"));
    return;
  }
  const parts = [
    element("p", call.number, "display-latest__number"),
    element("p", t("desk", { desk: call.desk }), "display-latest__desk"),
  ];
  if (call.recall) parts.push(element("p", t("recall"), "display-latest__recall"));
  target.replaceChildren(...parts);
}

/**
 * The calls before the latest one, newest first, each number once.
 * @param {HTMLElement} target
 * @param {object[]} recent the board's `recent`
 * @param {string | undefined} latest the number shown large, left out here
 */
export function drawRecent(target, recent, latest) {
  const seen = new Set([latest]);
  const rows = [];
  for (const call of recent) {
    if (seen.has(call.number)) continue;
    seen.add(call.number);
    const row = element("li");
    row.append(element("span", call.number, "display-recent__number"), element("span", call.desk));
    rows.push(row);
    if (rows.length === RECENT_SHOWN) break;
  }
  target.replaceChildren(...rows);
}

/** "8–16 min" from an estimate in seconds; "under 5 min" when it may be nothing at all. */
export function waitText(service) {
  if (service.estimated_wait_s === null) return t("no_desk");
  const low = Math.floor(service.estimated_wait_low_s / 60);
  const high = Math.max(1, Math.ceil(service.estimated_wait_high_s / 60));
  return low < 1 ? t("wait_short", { high }) : t("wait_range", { low, high });
}

/**
 * One row per service: how many wait and the estimate as a range, unless the screen is
 * offline (`stale`), when an old estimate would mislead.
 */
export function drawServices(target, services, stale) {
  target.replaceChildren(
    ...services.map((service) => {
      const row = element("tr");
      row.append(
        element("td", service.name),
        element("td", String(service.waiting)),
        element("td", stale ? t("wait_unknown") : waitText(service)),
      );
      return row;
    }),
  );
}

/** Appointments in the next half hour: local time and ticket number (or the service). */
export function drawAppointments(target, due, formatTime) {
  const rows = due.slice(0, DUE_SHOWN).map((appointment) => {
    const row = element("li");
    row.append(
      element("span", formatTime(appointment.scheduled_at), "display-due__time"),
      appointment.number
        ? element("span", appointment.number)
        : element("span", appointment.label, "display-due__label"),
    );
    return row;
  });
  target.replaceChildren(...(rows.length ? rows : [element("li", t("no_appointments"))]));
}

/** The delay notice as a banner, or nothing. */
export function drawNotice(banner, notice) {
  banner.hidden = !notice;
  if (!notice) return;
  banner.querySelector("#notice-message").textContent = notice.message;
  const wait = notice.estimated_wait_min;
  banner.querySelector("#notice-wait").textContent =
    wait === null || wait === undefined ? "" : t("notice_wait", { minutes: wait });
}

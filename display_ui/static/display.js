/**
 * The lobby display: draws the `board` snapshot and announces `called` pushes, both through
 * the shared connection (live.js: resubscribe after a reconnect, stale versions dropped,
 * Socket.IO's growing retry delays), and never shows old waits as current.
 *
 * - A call appears (and flashes) the moment its `called` push arrives; the board that follows
 *   fills in the rest. A call the screen missed while it was reconnecting (one in the fresh
 *   snapshot's `recent`, made in the last minute, that it never heard) is announced too.
 * - Offline for longer than `?offline_after=SECONDS` (default 30; tests use less), or with no
 *   push for three refresh periods, it says so and stops showing estimates.
 */
import { deviceToken } from "/static/api.js";
import { language, t } from "/static/i18n.js";
import { connect } from "/static/live.js";
import { Announcer } from "./announcer.js";
import {
  drawAppointments,
  drawLatest,
  drawNotice,
  drawRecent,
  drawServices,
} from "./board.js";

const OFFLINE_AFTER_MS = 1000 * (Number(new URLSearchParams(location.search).get("offline_after")) || 30);
// The server re-sends the board every 30 s (LIVE_TICK_S) even when nothing changes.
const SILENCE_MS = 90_000;
const FLASH_MS = 6000;
const CATCH_UP_MS = 60_000;
const HEARD_KEPT = 50;

const page = {
  connection: document.getElementById("connection"),
  clock: document.getElementById("clock"),
  offline: document.getElementById("offline"),
  notice: document.getElementById("notice"),
  latest: document.getElementById("latest"),
  recent: document.getElementById("recent"),
  services: document.getElementById("services"),
  stale: document.getElementById("stale"),
  appointments: document.getElementById("appointments"),
};
const templates = Object.fromEntries(
  t("announce_languages")
    .split(" ")
    .map((code) => [code, t(`announce:${code}`)]),
);
const announcer = new Announcer(templates);

let board = null;
let latest = null;
let lastPushAt = Date.now();
let downSince = Date.now();
/** Why the screen cannot show the board (the server refused it), or null. */
let refusal = null;
let stale = false;
let flashTimer = 0;
/** Calls announced or already on screen, as `number@time`: each is announced once. */
const heard = new Set();

let formatter = null;
let formatterZone;
/** The site's local time (the snapshot names its time zone), "14:05". */
function localTime(value) {
  const timeZone = board?.site.timezone;
  if (formatter === null || formatterZone !== timeZone) {
    // 24-hour, as UK public notices give times ("en" alone would be the US 12-hour clock).
    const options = { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone };
    formatter = new Intl.DateTimeFormat(language(), options);
    formatterZone = timeZone;
  }
  return formatter.format(new Date(value));
}

function keyOf(number, at) {
  return `${number}@${Date.parse(at)}`;
}

function remember(key) {
  heard.add(key);
  if (heard.size > HEARD_KEPT) heard.delete(heard.values().next().value);
}

function flash() {
  clearTimeout(flashTimer);
  // A new animation name restarts the flash for a call that follows another, without forcing
  // a layout as removing and re-adding the class would.
  page.latest.dataset.flash = page.latest.dataset.flash === "a" ? "b" : "a";
  page.latest.classList.add("is-new");
  flashTimer = setTimeout(() => page.latest.classList.remove("is-new"), FLASH_MS);
}

/** A call or recall: shown large and flashing at once, then announced in its turn. */
function called(call) {
  remember(keyOf(call.number, call.at));
  latest = { number: call.number, desk: call.desk, at: call.at, recall: call.recall };
  drawLatest(page.latest, latest);
  flash();
  announcer.announce(call);
}

/** Calls in the snapshot this screen never heard of (made while it was reconnecting). */
function catchUp(snapshot, first) {
  const now = Date.parse(snapshot.generated_at);
  for (const call of [...snapshot.recent].reverse()) {
    const key = keyOf(call.number, call.called_at);
    if (heard.has(key)) continue;
    if (first || now - Date.parse(call.called_at) > CATCH_UP_MS) remember(key);
    else called({ ...call, at: call.called_at, recall: false });
  }
}

function draw(snapshot) {
  const first = board === null;
  board = snapshot;
  refusal = null;
  lastPushAt = Date.now();
  document.body.dataset.version = snapshot.version;
  catchUp(snapshot, first);
  // The latest call is the board's newest, unless a `called` push brought a newer one that
  // this snapshot (built a moment before it) does not hold yet.
  const top = snapshot.recent[0];
  const built = Date.parse(snapshot.generated_at);
  if (top && (!latest || Date.parse(top.called_at) > Date.parse(latest.at))) {
    latest = { number: top.number, desk: top.desk, at: top.called_at, recall: false };
  } else if (!top && latest && Date.parse(latest.at) <= built) {
    latest = null; // a new day: the board starts again
  }
  drawLatest(page.latest, latest);
  drawRecent(page.recent, snapshot.recent, latest?.number);
  drawNotice(page.notice, snapshot.notice);
  drawAppointments(page.appointments, snapshot.appointments_due, localTime);
  redrawWaits();
}

function redrawWaits() {
  if (!board) return;
  drawServices(page.services, board.services, stale);
  page.stale.textContent = stale ? t("stale_since", { time: localTime(lastPushAt) }) : "";
}

/** What the banner says while the screen cannot be trusted. */
function offlineText() {
  if (refusal) return t("refused", { reason: refusal });
  return t("offline_banner", { time: localTime(downSince ?? lastPushAt) });
}

/** Once a second: the clock, and whether what is on screen can still be called current. */
function tick() {
  const now = Date.now();
  page.clock.textContent = localTime(now);
  const nowStale =
    refusal !== null ||
    (downSince !== null && now - downSince > OFFLINE_AFTER_MS) ||
    now - lastPushAt > SILENCE_MS;
  const banner = nowStale ? offlineText() : "";
  if (page.offline.textContent !== banner) page.offline.textContent = banner;
  if (nowStale === stale) return;
  stale = nowStale;
  document.body.dataset.stale = String(stale);
  page.offline.hidden = !stale;
  redrawWaits();
}

/** The page's connection; exported so that another script may hand it snapshots (`receive`). */
export const live = connect({
  token: deviceToken() ?? undefined,
  onState: (state, reason) => {
    page.connection.dataset.state = state;
    page.connection.textContent = t(state);
    downSince = state === "live" ? null : (downSince ?? Date.now());
    if (state === "offline") refusal = reason ?? t("offline");
    tick();
  },
});
live.subscribe(
  { site: document.body.dataset.site, view: "board" },
  {
    onSnapshot: draw,
    onCalled: called,
    onError: (error) => {
      refusal = error.error;
      tick();
    },
  },
);
tick();
setInterval(tick, 1000);

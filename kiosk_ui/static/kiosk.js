/**
 * The kiosk: one page, one screen at a time (start, extra help, check-in, ticket, message).
 *
 * - A tap on a service issues one walk-in ticket with one Idempotency-Key and the tile
 *   disabled while the request is in flight, so a double or retried tap never issues two;
 *   no answer within ISSUE_TIMEOUT_MS says "Please see reception" instead of spinning.
 * - The board subscription (live.js) keeps `open` fresh and reconnects by itself after a
 *   server restart; a closed site shows its hours and issues nothing.
 * - Every screen but the start one goes back to the start after a while; the countdown is
 *   shown, announced before it ends, and "I need more time" starts it again.
 * - "Speak to me" reads each screen and every focused choice aloud (speechSynthesis, in the
 *   page's language); "Lower screen" keeps every control in the bottom part of the screen.
 */
import { api, ApiError, deviceToken, newIdempotencyKey } from "/static/api.js";
import { connect } from "/static/live.js";
import { language, t } from "/static/i18n.js";
import { aheadText, estimateText } from "./wait.js";

const ISSUE_TIMEOUT_MS = 5000;
// An arrival more than this before the booked time is told to wait for its time.
const EARLY_MS = 5 * 60 * 1000;

const byId = (id) => document.getElementById(id);
const root = byId("kiosk");
const site = document.body.dataset.site;
const timeoutS = Number(root.dataset.timeoutS);
const warningS = Number(root.dataset.warningS);
const graceS = Number(root.dataset.graceS);
const timeFormat = new Intl.DateTimeFormat(language(), {
  hour: "2-digit",
  minute: "2-digit",
  timeZone: root.dataset.timezone,
});

const needs = new Set();
let screen = "start";
let open = byId("closed").hidden;
let busy = false;
let speaking = false;
let deadline = 0;
let warned = false;
let ticker = null;

/** Put words into the live region (screen readers) and, in "Speak to me" mode, speak them. */
function announce(text) {
  byId("announce").textContent = text;
  say(text);
}

function say(text) {
  if (!speaking || !("speechSynthesis" in window) || !text) return;
  window.speechSynthesis.cancel();
  const utterance = new SpeechSynthesisUtterance(text);
  utterance.lang = language();
  window.speechSynthesis.speak(utterance);
}

/** The words of a screen, in reading order: headings, messages and every choice. */
function wordsOf(section) {
  const parts = section.querySelectorAll("h1, p, .tile, .button, label");
  return [...parts]
    .filter((element) => element.offsetParent !== null && element.textContent.trim())
    .map((element) => element.textContent.trim().replace(/\s+/g, " "))
    .join(". ");
}

function show(name) {
  screen = name;
  for (const section of document.querySelectorAll(".screen")) {
    section.hidden = section.id !== `screen-${name}`;
  }
  const section = byId(`screen-${name}`);
  section.querySelector("h1").focus();
  announce(wordsOf(section));
  if (name === "start") stopTimer();
  else startTimer();
  if (name === "checkin") byId("reference").focus();
}

function startTimer() {
  deadline = Date.now() + timeoutS * 1000;
  warned = false;
  ticker ??= setInterval(tick, 1000);
  tick();
}

function stopTimer() {
  clearInterval(ticker);
  ticker = null;
  byId("timeout").hidden = true;
}

function tick() {
  const left = Math.ceil((deadline - Date.now()) / 1000);
  if (left <= 0) return restart();
  const warning = left <= warningS;
  const box = byId("timeout");
  box.hidden = !(warning || screen === "ticket");
  box.classList.toggle("timeout--warning", warning);
  byId("timeout-text").textContent = t(warning ? "warning" : "countdown", { seconds: left });
  if (warning && !warned) {
    warned = true;
    announce(t("warning", { seconds: left }));
  }
}

/** Back to the start for the next customer: nothing of this one stays on screen. */
function restart() {
  clearNeeds();
  byId("reference").value = "";
  setToggle("lower", false);
  setToggle("speak", false);
  show("start");
}

function setToggle(id, on) {
  byId(id).setAttribute("aria-pressed", String(on));
  if (id === "lower") document.body.classList.toggle("kiosk--lower", on);
  if (id === "speak") {
    speaking = on;
    if (!on && "speechSynthesis" in window) window.speechSynthesis.cancel();
  }
}

function clearNeeds() {
  needs.clear();
  for (const button of document.querySelectorAll("[data-need]")) {
    button.setAttribute("aria-pressed", "false");
  }
  showNeeds();
}

function showNeeds() {
  const chosen = byId("needs-chosen");
  chosen.hidden = needs.size === 0;
  chosen.textContent = t("needs_chosen", {
    needs: [...needs].map((code) => t(`need_${code}`)).join(", "),
  });
}

function setOpen(isOpen) {
  open = isOpen;
  byId("closed").hidden = open;
  byId("choices").hidden = !open;
}

function setBusy(isBusy) {
  busy = isBusy;
  for (const button of document.querySelectorAll("[data-service], #checkin-form button")) {
    button.disabled = isBusy;
  }
}

function showTicket(visit, message = "") {
  byId("ticket-number").textContent = visit.number;
  byId("ticket-service").textContent = visit.service_name;
  byId("ticket-message").textContent = message;
  byId("ticket-message").hidden = !message;
  byId("ticket-ahead").textContent = aheadText(visit);
  byId("ticket-estimate").textContent = estimateText(visit);
  const qr = byId("ticket-qr");
  qr.src = `/t/${encodeURIComponent(visit.token)}/qr.svg`;
  qr.hidden = false;
  show("ticket");
  window.print();
}

function showMessage(text, { offerCheckIn = false } = {}) {
  byId("message-text").textContent = text;
  byId("try-again").parentElement.hidden = !offerCheckIn;
  show("message");
}

async function take(service) {
  if (busy || !open) return;
  setBusy(true);
  announce(t("issuing"));
  try {
    const visit = await api("POST", `/sites/${site}/tickets`, {
      json: { service, language: language(), priority: needs.size > 0, needs: [...needs] },
      idempotencyKey: newIdempotencyKey(),
      timeoutMs: ISSUE_TIMEOUT_MS,
    });
    showTicket(visit);
  } catch (error) {
    const closed = error instanceof ApiError && error.code === "site_closed";
    if (closed) setOpen(false);
    showMessage(t(closed ? "closed" : "failed"));
  } finally {
    setBusy(false);
  }
}

/** The words for a checked-in appointment: on time, early, or late beyond the grace. */
function checkInText(visit) {
  const scheduled = new Date(visit.scheduled_at);
  const arrived = new Date(visit.arrived_at);
  const time = timeFormat.format(scheduled);
  if (arrived - scheduled > graceS * 1000) return t("late", { time, grace: graceS / 60 });
  if (scheduled - arrived > EARLY_MS) return t("early", { time });
  return t("checked_in", { time });
}

const CHECK_IN_REFUSALS = {
  not_found: "unknown",
  invalid: "unknown",
  not_today: "not_today",
  already_checked_in: "already",
  appointment_cancelled: "cancelled",
  site_closed: "closed",
};

async function checkIn(reference) {
  if (busy || !reference) return;
  setBusy(true);
  announce(t("checking_in"));
  try {
    const visit = await api("POST", `/sites/${site}/check-in`, {
      json: { reference },
      timeoutMs: ISSUE_TIMEOUT_MS,
    });
    showTicket(visit, checkInText(visit));
  } catch (error) {
    const key = error instanceof ApiError ? CHECK_IN_REFUSALS[error.code] : undefined;
    showMessage(t(key ?? "failed", { reference }), { offerCheckIn: key !== undefined });
  } finally {
    setBusy(false);
    byId("reference").value = "";
  }
}

function typeKey(key) {
  const input = byId("reference");
  input.value = key === "delete" ? input.value.slice(0, -1) : (input.value + key).slice(0, 16);
  say(key === "delete" ? input.value.split("").join(" ") : key);
}

document.addEventListener("click", (event) => {
  const target = event.target.closest("button");
  if (!target || target.disabled) return;
  if (target.dataset.service) take(target.dataset.service);
  else if (target.dataset.key) typeKey(target.dataset.key);
  else if (target.dataset.need) {
    const chosen = target.getAttribute("aria-pressed") !== "true";
    target.setAttribute("aria-pressed", String(chosen));
    if (chosen) needs.add(target.dataset.need);
    else needs.delete(target.dataset.need);
    showNeeds();
  } else if (target.dataset.go === "start" && screen === "ticket") restart();
  else if (target.dataset.go) {
    if ("clearNeeds" in target.dataset) clearNeeds();
    show(target.dataset.go);
  } else if (target.id === "more-time") {
    startTimer();
    announce(t("countdown", { seconds: timeoutS }));
  } else if (target.id === "lower" || target.id === "speak") {
    setToggle(target.id, target.getAttribute("aria-pressed") !== "true");
    if (target.id === "speak" && speaking) announce(wordsOf(byId(`screen-${screen}`)));
  }
});

// A scanner types the reference and presses Enter, which submits the form.
byId("checkin-form").addEventListener("submit", (event) => {
  event.preventDefault();
  checkIn(byId("reference").value.trim().toUpperCase());
});

// Any touch or key on a screen with a timeout counts as "still here".
for (const type of ["pointerdown", "keydown"]) {
  document.addEventListener(type, () => {
    if (screen === "help" || screen === "checkin" || screen === "message") startTimer();
  });
}

document.addEventListener("focusin", (event) => {
  if (event.target.matches("button, a")) say(event.target.textContent.trim());
});

const connection = byId("connection");
const live = connect({
  token: deviceToken(),
  onState: (state) => {
    connection.dataset.state = state;
    connection.textContent = t(state === "connecting" ? "reconnecting" : state);
  },
});
live.subscribe({ site, view: "board" }, { onSnapshot: (board) => setOpen(board.open) });

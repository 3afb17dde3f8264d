/**
 * The customer's phone page: follows its ticket live (live.js, `{ticket: token}`), says
 * "Called to Desk 3" with a vibration and a short beep where the phone allows, and lets the
 * customer give up the ticket ("I've left": POST /tickets/<token>/leave, the token is the key).
 */
import { api } from "/static/api.js";
import { connect } from "/static/live.js";
import { t } from "/static/i18n.js";
import { aheadText, estimateText } from "./wait.js";

const byId = (id) => document.getElementById(id);
const token = byId("phone").dataset.ticketToken;
const ENDED = new Set(["done", "no_show", "cancelled", "closed"]);
let lastStatus = null;

function statusText(ticket) {
  if (ticket.status === "called") return t("called", { desk: ticket.desk });
  if (ticket.status === "serving") return t("serving");
  if (ticket.status === "left") return t("left");
  if (ENDED.has(ticket.status)) return t("ended");
  return t("waiting");
}

/** A short beep; phones allow sound only after a touch on the page, so it may stay silent. */
function beep() {
  try {
    const audio = new AudioContext();
    const tone = audio.createOscillator();
    tone.frequency.value = 880;
    tone.connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.3);
  } catch {
    // No sound allowed: the words and the vibration still say it.
  }
}

function draw(ticket) {
  const status = byId("status");
  status.dataset.status = ticket.status;
  status.textContent = statusText(ticket);
  const waiting = ticket.status === "waiting";
  byId("ahead").hidden = byId("estimate").hidden = !waiting;
  byId("ahead").textContent = waiting ? aheadText(ticket) : "";
  byId("estimate").textContent = waiting ? estimateText(ticket) : "";
  byId("leave-box").hidden = !(waiting || ticket.status === "called");
  if (ticket.status === "called" && lastStatus !== "called") {
    navigator.vibrate?.([300, 100, 300]);
    beep();
  }
  lastStatus = ticket.status;
}

function confirming(open) {
  byId("leave-confirm").hidden = !open;
  byId("leave").setAttribute("aria-expanded", String(open));
}

byId("leave").addEventListener("click", () => confirming(true));
byId("leave-no").addEventListener("click", () => confirming(false));
byId("leave-yes").addEventListener("click", async () => {
  try {
    draw(await api("POST", `/tickets/${encodeURIComponent(token)}/leave`));
  } catch {
    byId("status").textContent = t("leave_failed");
  }
  confirming(false);
});

const connection = byId("connection");
const live = connect({
  onState: (state) => {
    connection.dataset.state = state;
    connection.textContent = t(state === "connecting" ? "reconnecting" : state);
  },
});
live.subscribe({ ticket: token }, { onSnapshot: draw });

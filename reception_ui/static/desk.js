/**
 * The desk view: choose a desk, open or close it, call next, serve the person called
 * (recall, start, complete, no-show, transfer with a note), or call someone by name with a
 * reason. What the desk holds always comes from the live snapshot, so a refused call (another
 * desk was quicker, the desk is busy) leaves the view showing the truth.
 */
import { api } from "/static/api.js";
import { t } from "/static/i18n.js";
import { act, clock, describe, live, say, site, start, targets, waitSince } from "./session.js";

const $ = (id) => document.getElementById(id);
const choice = $("desk-choice");
const STORE = `onestop-desk:${site}`;
/** @type {object | null} */
let latest = null;

if (localStorage.getItem(STORE)) choice.value = localStorage.getItem(STORE);

const deskId = () => Number(choice.value);
const myDesk = () => latest?.desks.find((d) => d.id === deskId()) ?? null;

function drawDesk(desk) {
  $("desk-state").textContent = t(desk.open ? "desk_open" : "desk_closed", { desk: desk.name });
  $("desk-toggle").textContent = desk.open ? t("close") : t("open");
  $("call-next").disabled = !desk.open || desk.current !== null;
}

function drawCurrent(visit) {
  $("current").hidden = visit === null;
  if (visit === null) return;
  $("current").dataset.visit = visit.id;
  $("current-number").textContent = visit.number;
  $("current-service").textContent = visit.service_name;
  $("current-kind").textContent = visit.kind === "appointment" ? t("appointment") : t("walk_in");
  $("current-status").textContent = t(`status_${visit.status}`);
  $("current-name").textContent = visit.customer_name ?? "";
  $("current-needs").textContent = visit.needs.length ? visit.needs.join(", ") : t("no_needs");
  $("current-notes").textContent = visit.notes ?? t("no_notes");
  const waited = clock(waitSince(visit), targets.wait, visit.service_started_at);
  waited.id = "current-waited";
  $("current-waited").replaceWith(waited);
  const allowed = visit.status === "called" ? ["recall", "start", "no-show"] : ["complete"];
  for (const button of document.querySelectorAll("#current [data-action]")) {
    button.hidden = !allowed.includes(button.dataset.action);
  }
}

function drawWaiting(desk, snapshot) {
  const queue = [...snapshot.appointments, ...snapshot.walk_ins].filter((v) => desk.services.includes(v.service));
  const items = queue.map((visit) => {
    const li = document.createElement("li");
    li.className = "staff-item";
    li.dataset.visit = visit.id;
    const head = document.createElement("p");
    const number = document.createElement("strong");
    number.textContent = visit.number;
    head.append(number, ` ${describe(visit)} `, clock(waitSince(visit), targets.wait));
    const call = document.createElement("button");
    call.type = "button";
    call.className = "button button--secondary";
    call.textContent = t("call");
    call.setAttribute("aria-label", `${t("call")} ${visit.number}`);
    call.addEventListener("click", () => callByName(visit));
    li.append(head, call);
    return li;
  });
  if (!items.length) {
    const li = document.createElement("li");
    li.className = "note";
    li.textContent = t("nobody_waiting");
    items.push(li);
  }
  $("waiting").replaceChildren(...items);
}

function draw(snapshot) {
  latest = snapshot;
  const desk = myDesk();
  if (!desk) return;
  drawDesk(desk);
  drawCurrent(desk.current);
  drawWaiting(desk, snapshot);
}

function callByName(visit) {
  const reason = $("call-reason").value.trim();
  if (!reason) {
    say(t("reason_needed"), true);
    $("call-reason").focus();
    return;
  }
  act(
    () => api("POST", `/visits/${visit.id}/call`, { json: { desk: deskId(), reason } }),
    (called) => t("called", { number: called.number }),
    (error) => (error.code === "illegal_transition" ? t("taken", { number: visit.number }) : null),
  );
}

choice.addEventListener("change", () => {
  localStorage.setItem(STORE, choice.value);
  if (latest) draw(latest);
});
$("desk-toggle").addEventListener("click", () => {
  const desk = myDesk();
  if (desk) act(() => api("POST", `/desks/${desk.id}/${desk.open ? "close" : "open"}`));
});
$("call-next").addEventListener("click", () =>
  act(
    () => api("POST", `/desks/${deskId()}/call-next`),
    (called) => (called ? t("called", { number: called.number }) : t("nobody_waiting")),
  ),
);
for (const button of document.querySelectorAll("#current [data-action]")) {
  button.addEventListener("click", () => {
    const id = $("current").dataset.visit;
    act(() => api("POST", `/visits/${id}/${button.dataset.action}`), t("done", { what: button.textContent }));
  });
}
$("transfer-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const data = new FormData(event.target);
  const note = data.get("note").trim();
  act(
    () => api("POST", `/visits/${$("current").dataset.visit}/transfer`, {
      json: { service: data.get("service"), ...(note ? { note } : {}) },
    }),
    t("done", { what: event.submitter?.textContent ?? "" }),
  ).then(() => event.target.reset());
});

start().then(() => live(draw), () => say(t("offline"), true));

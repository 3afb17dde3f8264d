/**
 * The reception view: arrivals to greet (2-minute clock), both queues against the wait
 * target, today's appointments, tickets, check-ins, bookings, delay notices and the day's end.
 * Drawn from the live staff snapshot; every action is one API call.
 */
import { api } from "/static/api.js";
import { t } from "/static/i18n.js";
import { act, clock, describe, live, say, site, start, targets, timeOfDay, waitSince } from "./session.js";

const $ = (id) => document.getElementById(id);
const SITE = `/sites/${site}`;
const splitNeeds = (text) => text.split(",").map((s) => s.trim()).filter(Boolean);

function item(visit, since, targetS, extra = []) {
  const li = document.createElement("li");
  li.className = "staff-item";
  const head = document.createElement("p");
  head.className = "staff-item__head";
  const number = document.createElement("strong");
  number.className = "number";
  number.textContent = visit.number;
  head.append(number, ` ${describe(visit)} `, clock(since, targetS));
  li.append(head, ...extra);
  return li;
}

function leftButton(visit) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "button button--secondary";
  button.textContent = t("left");
  button.addEventListener("click", () =>
    act(
      () => api("POST", `/visits/${visit.id}/cancel`, { json: { reason: "left" } }),
      t("marked_left", { number: visit.number }),
    ),
  );
  return button;
}

function drawArrival(visit) {
  const li = $("arrival-template").content.firstElementChild.cloneNode(true);
  li.dataset.visit = visit.id;
  li.querySelector(".number").textContent = visit.number;
  li.querySelector(".what").textContent = describe(visit);
  li.querySelector(".clock").replaceWith(clock(visit.arrived_at, targets.greet));
  const greet = li.querySelector(".greet");
  greet.textContent = t("greet");
  greet.addEventListener("click", () =>
    act(() => api("POST", `/visits/${visit.id}/greet`), t("greeted", { number: visit.number })),
  );
  li.querySelector(".left").replaceWith(leftButton(visit));
  const form = li.querySelector("form.triage");
  form.elements.service.value = visit.service;
  form.elements.priority.checked = visit.priority;
  form.elements.needs.value = visit.needs.join(", ");
  form.querySelector("button").textContent = t("greet_save");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    act(async () => {
      const data = new FormData(form);
      const note = data.get("note").trim();
      await api("POST", `/visits/${visit.id}/triage`, {
        json: { needs: splitNeeds(data.get("needs")), priority: data.has("priority"), ...(note ? { note } : {}) },
      });
      if (data.get("service") !== visit.service) {
        await api("POST", `/visits/${visit.id}/transfer`, { json: { service: data.get("service") } });
      }
      return api("POST", `/visits/${visit.id}/greet`);
    }, t("greeted", { number: visit.number }));
  });
  return li;
}

function fill(list, items) {
  list.replaceChildren(...items);
  if (!items.length) {
    const li = document.createElement("li");
    li.className = "note";
    li.textContent = t("none");
    list.append(li);
  }
}

function drawWaits(snapshot) {
  const over = snapshot.services.filter((s) => s.waiting && s.estimated_wait_s > targets.wait);
  fill(
    $("service-waits"),
    snapshot.services.map((s) => {
      const li = document.createElement("li");
      const wait = Math.round((s.estimated_wait_s ?? 0) / 60);
      li.textContent = t("estimate", { service: s.name, waiting: s.waiting, wait });
      if (over.includes(s)) li.dataset.level = "red";
      return li;
    }),
  );
  const suggestion = $("delay-suggestion");
  const worst = over.sort((a, b) => b.estimated_wait_s - a.estimated_wait_s)[0];
  suggestion.hidden = !worst || snapshot.notice !== null;
  if (worst) {
    const wait = Math.round(worst.estimated_wait_s / 60);
    suggestion.textContent = t("suggest", { service: worst.name, wait, target: targets.wait / 60 });
    if (!$("notice-wait").value) $("notice-wait").value = String(wait);
  }
  const notice = snapshot.notice;
  $("current-notice").textContent = notice
    ? `${notice.message}${notice.estimated_wait_min != null ? ` (${t("min", { n: notice.estimated_wait_min })})` : ""}`
    : "";
}

let appointmentsVersion = -1;
async function drawAppointments(version) {
  if (version === appointmentsVersion) return;
  appointmentsVersion = version;
  const list = await act(() => api("GET", `${SITE}/appointments`));
  if (!list) return;
  $("appointments").replaceChildren(
    ...list.appointments.map((a) => {
      const row = document.createElement("tr");
      const cells = [timeOfDay(a.scheduled_at), a.customer_name ?? "", a.service, a.reference,
        a.number ? `${t(`status_${a.status}`)} (${a.number})` : t(`status_${a.status}`)];
      for (const text of cells) row.insertCell().textContent = text;
      const action = row.insertCell();
      if (a.status === "booked") {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "button";
        button.textContent = t("check_in");
        button.setAttribute("aria-label", `${t("check_in")} ${a.customer_name ?? a.reference} ${timeOfDay(a.scheduled_at)}`);
        button.addEventListener("click", () => checkIn(a.reference));
        action.append(button);
      }
      return row;
    }),
  );
}

function checkIn(reference) {
  return act(
    () => api("POST", `${SITE}/check-in`, { json: { reference } }),
    (visit) => t("checked_in", { number: visit.number }),
  );
}

function draw(snapshot) {
  fill($("not-greeted"), snapshot.not_greeted.map(drawArrival));
  for (const [id, queue] of [["appointment-queue", snapshot.appointments], ["walk-in-queue", snapshot.walk_ins]]) {
    fill($(id), queue.map((v) => item(v, waitSince(v), targets.wait, [leftButton(v)])));
  }
  drawWaits(snapshot);
  $("day-status").textContent = t("day_now", snapshot.day);
  drawAppointments(snapshot.version);
}

function onSubmit(id, handler) {
  const form = $(id);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    handler(new FormData(form), form);
  });
}

onSubmit("issue-form", (data) =>
  act(
    () => api("POST", `${SITE}/tickets`, {
      json: {
        service: data.get("service"),
        priority: data.has("priority"),
        needs: splitNeeds(data.get("needs")),
        ...(data.get("customer_name").trim() ? { customer_name: data.get("customer_name").trim() } : {}),
      },
    }),
    (visit) => t("issued", { number: visit.number }),
  ),
);
onSubmit("checkin-form", (data) => checkIn(data.get("reference").trim()));
onSubmit("book-form", (data) =>
  act(
    // The tablet is in the shop, so its own timezone is the site's.
    () => api("POST", `${SITE}/appointments`, {
      json: {
        service: data.get("service"),
        scheduled_at: new Date(data.get("scheduled_at")).toISOString(),
        ...(data.get("customer_name").trim() ? { customer_name: data.get("customer_name").trim() } : {}),
      },
    }),
    (booking) => t("booked", { reference: booking.reference }),
  ).then(() => drawAppointments(-2)),
);
onSubmit("import-form", async (data) => {
  const text = await data.get("file").text();
  const counts = await act(
    () => api("POST", `${SITE}/appointments/import`, { raw: { text, type: "text/csv" } }),
    (result) => t("imported", result),
  );
  if (counts) drawAppointments(-3);
});
onSubmit("notice-form", (data) => {
  const wait = data.get("estimated_wait_min");
  act(
    () => api("POST", `${SITE}/notices`, {
      json: { message: data.get("message"), ...(wait ? { estimated_wait_min: Number(wait) } : {}) },
    }),
    t("posted"),
  );
});
$("clear-notice").addEventListener("click", () => act(() => api("DELETE", `${SITE}/notices`), t("cleared")));

$("close-day").addEventListener("click", async () => {
  const status = await act(() => api("GET", `${SITE}/close-day`));
  if (!status) return;
  $("close-question").textContent = t("confirm_close", status);
  $("close-confirm").hidden = false;
  $("close-yes").focus();
});
$("close-no").addEventListener("click", () => ($("close-confirm").hidden = true));
$("close-yes").addEventListener("click", async () => {
  $("close-confirm").hidden = true;
  await act(() => api("POST", `${SITE}/close-day`), (result) => t("closed", { count: result.closed }));
});

start().then(() => live(draw), () => say(t("offline"), true));

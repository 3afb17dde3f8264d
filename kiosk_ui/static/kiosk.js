/**
 * The kiosk start screen: a tap on a service issues one walk-in ticket (one Idempotency-Key
 * per tap, so a retried request never issues two) and shows its number.
 */
import { api, ApiError, newIdempotencyKey } from "/static/api.js";
import { language, t } from "/static/i18n.js";

const site = document.body.dataset.site;
const status = document.getElementById("kiosk-status");
const number = document.getElementById("ticket-number");
const buttons = document.querySelectorAll("[data-service]");

async function take(service) {
  buttons.forEach((button) => (button.disabled = true));
  status.textContent = t("issuing");
  number.textContent = "";
  try {
    const ticket = await api("POST", `/sites/${site}/tickets`, {
      json: { service, language: language() },
      idempotencyKey: newIdempotencyKey(),
      timeoutMs: 5000,
    });
    number.textContent = ticket.number;
    status.textContent = t("issued", { number: ticket.number });
  } catch (error) {
    const closed = error instanceof ApiError && error.code === "site_closed";
    status.textContent = t(closed ? "closed" : "failed");
  } finally {
    buttons.forEach((button) => (button.disabled = false));
  }
}

buttons.forEach((button) => button.addEventListener("click", () => take(button.dataset.service)));

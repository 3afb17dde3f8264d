/**
 * Staff sign-in: the API sets the session cookie; the page then goes where it was asked to.
 */
import { api, ApiError } from "/static/api.js";
import { t } from "/static/i18n.js";

const form = document.getElementById("sign-in");
const status = document.getElementById("staff-status");

if (new URLSearchParams(location.search).has("idle")) status.textContent = t("idle");

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const data = new FormData(form);
  try {
    await api("POST", "/auth/login", {
      json: { username: data.get("username"), password: data.get("password") },
    });
    location.assign(form.dataset.next);
  } catch (error) {
    status.textContent = error instanceof ApiError && error.status === 401 ? t("failed") : error.message;
  }
});

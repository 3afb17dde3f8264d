/**
 * The rota page: add and remove stretches of planned hours per desk, then save the whole
 * week with one `PUT /sites/<site>/rota` (If-Match: the revision the page was drawn from).
 * A refused entry is marked on its own row with the server's words; a rota someone else
 * saved in the meantime is not overwritten. Saved, the page reloads to show the new week.
 */
import { api, ApiError } from "/static/api.js";
import { t } from "/static/i18n.js";

const form = document.getElementById("rota-form");
const message = document.getElementById("rota-message");
let added = 0;

function say(text) {
  message.hidden = false;
  message.textContent = text;
}

function addRow(fieldset) {
  const template = fieldset.querySelector("template[data-row-template]");
  const row = template.content.firstElementChild.cloneNode(true);
  const id = `new-${(added += 1)}`;
  for (const element of row.querySelectorAll("[id], [for]")) {
    for (const name of ["id", "for"]) {
      const value = element.getAttribute(name);
      if (value) element.setAttribute(name, value.replace("__ID__", id));
    }
  }
  fieldset.querySelector("[data-rows]").append(row);
  row.querySelector("select").focus();
}

function removeRow(row) {
  const fieldset = row.closest("fieldset");
  const next = row.nextElementSibling ?? row.previousElementSibling;
  row.remove();
  // Keep the keyboard in the same desk: the neighbouring row, else its "Add hours" button.
  (next?.querySelector("[data-remove]") ?? fieldset.querySelector("[data-add]")).focus();
  say(t("removed"));
}

function rows() {
  return [...form.querySelectorAll("[data-row]")];
}

function clearErrors() {
  message.hidden = true;
  for (const row of rows()) {
    const error = row.querySelector("[data-error]");
    error.hidden = true;
    error.textContent = "";
    for (const control of row.querySelectorAll("select, input")) {
      control.removeAttribute("aria-invalid");
      if (control.name === "weekday") control.removeAttribute("aria-describedby");
      else control.setAttribute("aria-describedby", "time-hint");
    }
  }
}

/** Mark each `shifts[i].field` the server refused on row i; focus the first. */
function showErrors(fields) {
  const all = rows();
  let first = null;
  for (const [key, text] of Object.entries(fields)) {
    const match = /^shifts\[(\d+)\]\.(\w+)$/.exec(key);
    const row = match ? all[Number(match[1])] : null;
    if (!row) continue;
    const control = row.querySelector(`[name="${match[2]}"]`) ?? row.querySelector("select");
    const error = row.querySelector("[data-error]");
    error.hidden = false;
    error.textContent = error.textContent ? `${error.textContent} ${text}` : text;
    control.setAttribute("aria-invalid", "true");
    control.setAttribute("aria-describedby", `${error.id} time-hint`);
    first ??= control;
  }
  first?.focus();
}

form.addEventListener("click", (event) => {
  const add = event.target.closest("[data-add]");
  if (add) addRow(add.closest("fieldset"));
  const remove = event.target.closest("[data-remove]");
  if (remove) removeRow(remove.closest("[data-row]"));
});

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors();
  const shifts = rows().map((row) => ({
    desk: row.closest("[data-desk]").dataset.desk,
    weekday: row.querySelector("[name=weekday]").value,
    from: row.querySelector("[name=from]").value.trim(),
    to: row.querySelector("[name=to]").value.trim(),
  }));
  const save = form.querySelector("[type=submit]");
  save.disabled = true;
  say(t("saving"));
  try {
    await api("PUT", `/sites/${form.dataset.site}/rota`, {
      json: { shifts },
      headers: { "If-Match": form.dataset.revision },
    });
    location.assign(`${location.pathname}?saved=1`);
  } catch (error) {
    save.disabled = false;
    if (error instanceof ApiError && error.status === 401) {
      location.assign(`/staff/login?next=${encodeURIComponent(location.pathname)}`);
    } else if (error instanceof ApiError && error.status === 422) {
      say(t("invalid"));
      showErrors(error.fields);
    } else if (error instanceof ApiError && error.code === "rota_changed") {
      say(t("changed"));
    } else {
      say(t("failed", { message: error.message }));
    }
  }
});

// The session's CSRF token, which every save must carry; signed out, back to sign-in.
api("GET", "/auth/me").catch(() =>
  location.assign(`/staff/login?next=${encodeURIComponent(location.pathname)}`),
);

/**
 * Translated strings for scripts. The server translates them with the page (gettext, the
 * request's locale) and renders them as JSON into `<script type="application/json"
 * id="strings">`: data, not code, so the strict Content-Security-Policy holds.
 *
 *   import { t, language, direction } from "/static/i18n.js";
 *   t("ticket_issued", { number: "C042" });   // "Your ticket is C042" (or Polish, Arabic…)
 */

/** @type {Record<string, string> | null} */
let strings = null;

/**
 * The translated string called `key`, with `{name}` placeholders filled from `values`; the
 * key itself when the page did not render that string (a visible, greppable fault).
 * @param {string} key
 * @param {Record<string, string | number>} [values]
 */
export function t(key, values = {}) {
  strings ??= JSON.parse(document.getElementById("strings")?.textContent || "{}");
  const text = strings[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

/** The page's language code ("en", "pl", "ar"). */
export function language() {
  return document.documentElement.lang;
}

/** "ltr" or "rtl". */
export function direction() {
  return document.documentElement.dir || "ltr";
}

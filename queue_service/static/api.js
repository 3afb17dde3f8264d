/**
 * JSON requests to the REST API (DESIGN §7) for every front end, with the page's credentials:
 *
 * - a paired device page (kiosk, display) sends its token as `Authorization: Bearer`; the
 *   server renders the token into `<body data-device-token>` (the pairing cookie itself is
 *   HttpOnly and the API never accepts it);
 * - staff pages rely on the session cookie, and send back the `csrf_token` that sign-in
 *   (`POST /auth/login`) and `GET /auth/me` return as `X-CSRF-Token` on every change.
 *
 *   import { api, ApiError, newIdempotencyKey } from "/static/api.js";
 *   const ticket = await api("POST", "/sites/bootle/tickets", {
 *     json: { service: "CT" }, idempotencyKey: newIdempotencyKey(), timeoutMs: 5000 });
 *   // failures throw ApiError {status, code, message, fields}; status 0 means no answer
 *   // (network down or timeout: code "network" or "timeout").
 */

const PREFIX = "/api/v1";
const DEFAULT_TIMEOUT_MS = 10_000;

/** @type {string | null} */
let csrfToken = null;

/** A failed request, in the API's error shape. */
export class ApiError extends Error {
  /**
   * @param {number} status the HTTP status, or 0 when no answer came
   * @param {string} code the error code (`site_closed`, `not_found`, `network`, `timeout`…)
   * @param {string} message
   * @param {Record<string, string>} [fields]
   */
  constructor(status, code, message, fields = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.fields = fields;
  }
}

/** The paired device's token rendered into the page, or null on other pages. */
export function deviceToken() {
  return document.body.dataset.deviceToken ?? null;
}

/** A fresh key for one user action (one tap): retries of it reuse the key. */
export function newIdempotencyKey() {
  return crypto.randomUUID();
}

/**
 * Send one request; resolves to the parsed JSON body (null for 204).
 * @param {"GET" | "POST" | "PUT" | "PATCH" | "DELETE"} method
 * @param {string} path under /api/v1, e.g. "/sites/bootle/board"
 * @param {object} [options]
 * @param {unknown} [options.json] the request body
 * @param {{text: string, type: string}} [options.raw] a body that is not JSON (a CSV upload)
 * @param {string} [options.idempotencyKey]
 * @param {Record<string, string>} [options.headers] more headers (`If-Match`)
 * @param {number} [options.timeoutMs]
 * @param {string | null} [options.token] defaults to the page's device token
 */
export async function api(method, path, options = {}) {
  const { json, raw, idempotencyKey, timeoutMs = DEFAULT_TIMEOUT_MS, token = deviceToken() } = options;
  const headers = { ...options.headers, Accept: "application/json" };
  if (json !== undefined) headers["Content-Type"] = "application/json";
  if (raw !== undefined) headers["Content-Type"] = raw.type;
  if (token) headers.Authorization = `Bearer ${token}`;
  if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
  if (csrfToken && method !== "GET") headers["X-CSRF-Token"] = csrfToken;
  let response;
  try {
    response = await fetch(PREFIX + path, {
      method,
      headers,
      body: json === undefined ? raw?.text : JSON.stringify(json),
      credentials: "same-origin",
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const timedOut = error?.name === "TimeoutError";
    throw new ApiError(0, timedOut ? "timeout" : "network", String(error?.message ?? error));
  }
  const body = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    const error = body?.error ?? {};
    throw new ApiError(
      response.status,
      error.code ?? `http_${response.status}`,
      error.message ?? response.statusText,
      error.fields ?? {},
    );
  }
  if (typeof body?.csrf_token === "string") csrfToken = body.csrf_token;
  return body;
}

/**
 * The live connection that every front end (kiosk, lobby display, staff pages) shares.
 * The protocol is docs/realtime.md; this module is the one place that follows it, so that no
 * page has to remember the rules that keep a screen honest:
 *
 * - subscribe again after every reconnect (the server forgets a connection that went away);
 * - never draw a snapshot older than the one on screen (pushes and acknowledgements race);
 * - say whether what is on screen is live, so that a screen never freezes silently.
 *
 *   import { connect } from "/static/live.js";
 *   const live = connect({ token: deviceToken, onState: showConnection });
 *   const board = live.subscribe({ site: "bootle", view: "board" }, {
 *     onSnapshot: draw, onCalled: announce, onError: showRefusal });
 *   board.snapshot;       // the last snapshot drawn, or null before the first
 *   board.unsubscribe();
 */
import { io } from "./vendor/socket.io.esm.min.js";

/**
 * "connecting" until the first connection; "live" once connected and every subscription has
 * its acknowledgement; "reconnecting" while Socket.IO retries after a drop (or after a
 * reconnect, until the fresh acknowledgements are in); "offline" when it will not retry: the
 * server refused the connection (a revoked device token) or the page called `close()`.
 * @typedef {"connecting" | "live" | "reconnecting" | "offline"} State
 */

/**
 * @typedef {{site: string, view: "board" | "staff"} | {ticket: string}} Payload
 * @typedef {{error: string, code: string}} Refusal
 * @typedef {object} Handlers
 * @property {(snapshot: object) => void} [onSnapshot] every snapshot that is not stale
 * @property {(call: object) => void} [onCalled] board subscriptions only: `called` pushes
 * @property {(refusal: Refusal) => void} [onError] the server refused the subscription
 * @typedef {object} Subscription
 * @property {object | null} snapshot the last snapshot drawn
 * @property {() => void} unsubscribe
 */

/** The longest wait between two attempts to reconnect (socket.io-client's default: 5000). */
const RECONNECT_DELAY_MAX_MS = 2000;

/** The events the server pushes, with the subscription key each one belongs to. */
const KEYS = {
  board: (board) => `board:${board.site.slug}`,
  staff_queue: (staff) => `staff:${staff.site.slug}`,
  ticket: (ticket) => `ticket:${ticket.token}`,
  called: (call) => `board:${call.site}`,
};

/** A subscription's key: the same for a payload and for the pushes it receives. */
function keyOf(payload) {
  return "ticket" in payload ? `ticket:${payload.ticket}` : `${payload.view}:${payload.site}`;
}

/**
 * Open the page's live connection.
 * @param {object} [options]
 * @param {string} [options.url] the server; the page's own origin when omitted (staff pages
 *   rely on the session cookie, which the server only accepts from its own origin)
 * @param {string} [options.token] a paired device's token (kiosk, lobby display)
 * @param {(state: State, reason?: string) => void} [options.onState] called on every change
 */
export function connect({ url, token, onState } = {}) {
  return new Live(url, token, onState);
}

class Live {
  #socket;
  /** @type {Set<{payload: Payload, key: string, handlers: Handlers, version: number, snapshot: object | null}>} */
  #subscriptions = new Set();
  /** @type {Set<(state: State, reason?: string) => void>} */
  #listeners = new Set();
  /** @type {State} */
  #state = "connecting";

  constructor(url, token, onState) {
    if (onState) this.#listeners.add(onState);
    // Socket.IO's default transports (long-polling, then upgrade to WebSocket) also get
    // through proxies that refuse WebSocket. It retries for ever, 1 s then 2 s apart (± half):
    // its default of up to 5 s alone kept screens dark for seconds after a restarted server
    // answered (scripts/bench_reconnect.py), and a refused attempt costs a server nothing.
    this.#socket = io(url, {
      auth: token ? { token } : undefined,
      reconnectionDelayMax: RECONNECT_DELAY_MAX_MS,
    });
    this.#socket.on("connect", () => this.#resubscribe());
    this.#socket.on("disconnect", (reason) => {
      if (reason === "io client disconnect") return this.#setState("offline");
      // Socket.IO does not retry after the server hung up; ask again, and a refusal ends
      // in "offline" below.
      if (reason === "io server disconnect") this.#socket.connect();
      this.#setState("reconnecting");
    });
    this.#socket.on("connect_error", (error) => {
      // Not active any more means the server refused us: retrying cannot help.
      if (!this.#socket.active) this.#setState("offline", error.message);
    });
    for (const event of Object.keys(KEYS)) {
      this.#socket.on(event, (payload) => this.receive(event, payload));
    }
  }

  /** @returns {State} */
  get state() {
    return this.#state;
  }

  /**
   * Call `listener(state, reason)` on every change of `state`.
   * @returns {() => void} removes the listener
   */
  onState(listener) {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Follow a board, a staff view or a ticket; it stays followed across reconnects. A refused
   * one stays too and is asked for again after a reconnect, whose handshake carries the
   * current session cookie (a tablet may have signed in since).
   * @param {Payload} payload
   * @param {Handlers} [handlers]
   * @returns {Subscription}
   */
  subscribe(payload, handlers = {}) {
    const subscription = {
      payload,
      key: keyOf(payload),
      handlers,
      version: -Infinity,
      snapshot: null,
    };
    this.#subscriptions.add(subscription);
    // While disconnected, the next "connect" sends it; emitting now would send it twice,
    // because Socket.IO buffers what is emitted offline.
    if (this.#socket.connected) this.#send(subscription);
    return {
      get snapshot() {
        return subscription.snapshot;
      },
      unsubscribe: () => this.#unsubscribe(subscription),
    };
  }

  /**
   * Hand a push to the subscriptions it belongs to, as the socket does for every push; a page
   * may also hand in a snapshot it got elsewhere. `called` goes to the board subscription of
   * the site it names.
   * @param {"board" | "staff_queue" | "ticket" | "called"} event
   * @param {object} payload
   */
  receive(event, payload) {
    const key = KEYS[event](payload);
    for (const subscription of this.#subscriptions) {
      if (subscription.key !== key) continue;
      if (event === "called") subscription.handlers.onCalled?.(payload);
      else this.#apply(subscription, payload);
    }
  }

  /** Hang up for good (the page is going away); the state becomes "offline". */
  close() {
    this.#socket.disconnect();
  }

  /**
   * Keep the newest snapshot. An equal version is the server's periodic refresh (same
   * version, newer `generated_at`, waits moved on), so it is drawn too.
   */
  #apply(subscription, snapshot) {
    if (snapshot.version < subscription.version) return;
    subscription.version = snapshot.version;
    subscription.snapshot = snapshot;
    subscription.handlers.onSnapshot?.(snapshot);
  }

  #send(subscription, done = () => {}) {
    this.#socket.emit("subscribe", subscription.payload, (ack) => {
      if (this.#subscriptions.has(subscription)) {
        if (ack.ok) this.#apply(subscription, ack.snapshot);
        else subscription.handlers.onError?.(ack);
      }
      done();
    });
  }

  #resubscribe() {
    const subscriptions = [...this.#subscriptions];
    let waiting = subscriptions.length;
    if (waiting === 0) return this.#setState("live");
    for (const subscription of subscriptions) {
      // The first answer on a new connection is the truth, even an older one: the server's
      // database may have been restored, and holding on to a higher version would freeze
      // the screen until the site caught up.
      subscription.version = -Infinity;
      // Socket.IO drops the callbacks of a connection that closed, so a count left over
      // from an earlier connection never completes.
      this.#send(subscription, () => {
        if (--waiting === 0) this.#setState("live");
      });
    }
  }

  #unsubscribe(subscription) {
    this.#subscriptions.delete(subscription);
    const stillFollowed = [...this.#subscriptions].some((s) => s.key === subscription.key);
    if (!stillFollowed && this.#socket.connected) {
      this.#socket.emit("unsubscribe", subscription.payload);
    }
  }

  #setState(state, reason) {
    if (state === this.#state) return;
    this.#state = state;
    for (const listener of this.#listeners) listener(state, reason);
  }
}

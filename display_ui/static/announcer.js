/**
 * Announcing calls on the lobby display: a chime, then the call spoken by the browser's
 * speech synthesis in the ticket's language where the screen has a voice for it, else in
 * English. Calls wait in a queue and are announced one after another, each to its end, so two
 * calls made close together are both heard in order; nothing here ever cancels speech.
 *
 *   const announcer = new Announcer({ en: "Ticket {number}, please go to {desk}", pl: … });
 *   announcer.announce({ number: "C042", desk: "Desk 3", language: "pl" });
 *
 * Kiosk-mode Chromium must be allowed to play sound without a tap (deploy/README.md, "Lobby
 * screens"); without it the chime stays silent and only the speech (or nothing) is heard.
 */

const CHIME_MS = 1200;
// No council calls fifty people in the time it takes to announce one; beyond that the oldest
// wait is dropped rather than the queue growing for ever on a screen left open for weeks.
const MAX_PENDING = 50;
// Chromium sometimes never fires `end` (a voice that failed to load): do not wait for ever.
const SPEECH_TIMEOUT_MS = 15_000;
const NOTES = [
  [659.25, 0], // E5, then
  [523.25, 0.45], // C5: a two-tone "ding-dong"
];

export class Announcer {
  /** @type {{number: string, desk: string, language?: string | null}[]} */
  #pending = [];
  #busy = false;
  /** @type {AudioContext | null} */
  #audio = null;
  #templates;

  /** @param {Record<string, string>} templates the spoken call per language code */
  constructor(templates) {
    this.#templates = templates;
  }

  /** Queue one call (or recall) for announcing. */
  announce(call) {
    this.#pending.push(call);
    if (this.#pending.length > MAX_PENDING) this.#pending.shift();
    this.#next();
  }

  async #next() {
    if (this.#busy) return;
    const call = this.#pending.shift();
    if (!call) return;
    this.#busy = true;
    try {
      await this.#chime();
      await this.#speak(call);
    } finally {
      this.#busy = false;
      this.#next();
    }
  }

  /** Two soft notes from an oscillator: nothing to download, and it works offline. */
  #chime() {
    const done = new Promise((resolve) => setTimeout(resolve, CHIME_MS));
    if (typeof AudioContext !== "function") return done;
    this.#audio ??= new AudioContext();
    const audio = this.#audio;
    // Suspended until the page may play sound; resuming is refused quietly until then.
    if (audio.state === "suspended") audio.resume().catch(() => {});
    const start = audio.currentTime + 0.05;
    for (const [frequency, offset] of NOTES) {
      const oscillator = new OscillatorNode(audio, { type: "sine", frequency });
      const gain = new GainNode(audio, { gain: 0.0001 });
      const at = start + offset;
      gain.gain.exponentialRampToValueAtTime(0.4, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.7);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.onended = () => gain.disconnect();
      oscillator.start(at);
      oscillator.stop(at + 0.75);
    }
    return done;
  }

  #speak(call) {
    if (typeof speechSynthesis === "undefined") return Promise.resolve();
    const { voice, lang, template } = this.#choose(call.language);
    const text = template
      .replace("{number}", spelt(call.number))
      .replace("{desk}", call.desk ?? "");
    return new Promise((resolve) => {
      const utterance = new SpeechSynthesisUtterance(text);
      utterance.lang = lang;
      if (voice) utterance.voice = voice;
      const timer = setTimeout(finish, SPEECH_TIMEOUT_MS);
      function finish() {
        clearTimeout(timer);
        utterance.onend = utterance.onerror = null;
        resolve();
      }
      utterance.onend = finish;
      utterance.onerror = finish;
      speechSynthesis.speak(utterance);
    });
  }

  /** The ticket's language when we have both its words and a voice for it, else English. */
  #choose(language) {
    const voices = speechSynthesis.getVoices();
    const wanted = (language || "en").toLowerCase();
    const base = wanted.split("-")[0];
    const template = this.#templates[base];
    const voice = template ? voiceFor(voices, wanted) : null;
    if (voice) return { voice, lang: voice.lang, template };
    const english = voiceFor(voices, "en-gb");
    return { voice: english, lang: english?.lang ?? "en-GB", template: this.#templates.en };
  }
}

/** The exact voice for `wanted` ("pl-pl"), else one of its language ("pl"), else null. */
function voiceFor(voices, wanted) {
  const base = wanted.split("-")[0];
  const lang = (voice) => voice.lang.toLowerCase().replace("_", "-");
  return (
    voices.find((voice) => lang(voice) === wanted) ??
    voices.find((voice) => lang(voice).split("-")[0] === base) ??
    null
  );
}

/** "C042" → "C 0 4 2": said character by character, not "C forty-two". */
function spelt(number) {
  return [...number].join(" ");
}

// The voice of the hall: one announcement at a time, never cutting in. Each call
// gets a chime (WebAudio), then its sentence spoken by the browser's own speech
// synthesis (zh-CN; works offline), `repeat` times, then the next call in line.
// `received` (everything accepted, in order), `queued` (still to come) and `log`
// (every utterance as it was started) are public so a test can check the order
// without hearing anything: a headless browser has no voices.

import { t } from './common.js';

const CHIME_MS = 1300;
const GAP_MS = 600;
// Speech that never reports its end (a stuck voice) must not stall the queue.
const SPEECH_GRACE_MS = 2500;
const SPEECH_MS_PER_CHAR = 350;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function spokenNumber(number, lang) {
  const digits = t(lang, 'voice_digits').split(' ');
  return [...number].map((ch) => (/\d/.test(ch) ? digits[Number(ch)] : ch)).join(' ');
}

export class Announcer {
  constructor({ enabled = true, onBlocked = () => {} } = {}) {
    this.enabled = enabled;
    this.onBlocked = onBlocked;
    this.repeat = 1;
    this.mode = 'zh';
    this.received = [];
    this.queued = [];
    this.log = [];
    this.current = null;
    this.blocked = false;
    this.audio = null;
  }

  configure({ repeat, mode }) {
    this.repeat = Math.max(1, Math.min(5, repeat || 1));
    this.mode = mode || 'zh';
  }

  enqueue(call) {
    const item = { number: call.number, window: call.window, call_count: call.call_count };
    this.received.push(item);
    if (!this.enabled) return;
    this.queued.push(item);
    if (!this.current) this.pump();
  }

  // Each repeat in the hall's language; in "both" the English sentence follows once.
  utterances(item) {
    const langs = this.mode === 'en' ? ['en'] : ['zh'];
    const out = [];
    for (let i = 0; i < this.repeat; i++) {
      for (const lang of langs) out.push(this.sentence(item, lang));
    }
    if (this.mode === 'both') out.push(this.sentence(item, 'en'));
    return out;
  }

  sentence(item, lang) {
    const text = t(lang, 'voice_call', { number: spokenNumber(item.number, lang), window: item.window });
    return { lang: t(lang, 'voice_lang'), text };
  }

  async pump() {
    while (this.queued.length) {
      const item = this.queued.shift();
      this.current = item;
      await this.chime();
      for (const u of this.utterances(item)) {
        const entry = { number: item.number, window: item.window, lang: u.lang, text: u.text, result: '' };
        this.log.push(entry);
        entry.result = await this.speak(u);
      }
      await sleep(GAP_MS);
    }
    this.current = null;
  }

  // Called from a click or key press: browsers allow sound only after one.
  unlock() {
    this.blocked = false;
    const ctx = this.context();
    if (ctx && ctx.state === 'suspended') ctx.resume().catch(() => {});
  }

  context() {
    if (!this.audio && (window.AudioContext || window.webkitAudioContext)) {
      this.audio = new (window.AudioContext || window.webkitAudioContext)();
    }
    return this.audio;
  }

  async chime() {
    const ctx = this.context();
    if (!ctx) return;
    if (ctx.state === 'suspended') await Promise.race([ctx.resume().catch(() => {}), sleep(200)]);
    if (ctx.state !== 'running') return this.block();
    const start = ctx.currentTime + 0.05;
    // A two-note "ding-dong" (E5, C5), each with a soft attack and a long decay.
    [659.25, 523.25].forEach((freq, i) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      const at = start + i * 0.45;
      osc.type = 'sine';
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.4, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.8);
      osc.connect(gain).connect(ctx.destination);
      osc.start(at);
      osc.stop(at + 0.85);
    });
    await sleep(CHIME_MS);
  }

  speak({ lang, text }) {
    if (!('speechSynthesis' in window)) return Promise.resolve('unsupported');
    return new Promise((resolve) => {
      const u = new SpeechSynthesisUtterance(text);
      u.lang = lang;
      const voice = pickVoice(lang);
      if (voice) u.voice = voice;
      u.rate = 0.9;
      const timer = setTimeout(() => done('timeout'), SPEECH_GRACE_MS + SPEECH_MS_PER_CHAR * text.length);
      const done = (result) => {
        clearTimeout(timer);
        if (result === 'not-allowed') this.block();
        resolve(result);
      };
      u.onend = () => done('end');
      u.onerror = (e) => done(e.error || 'error');
      speechSynthesis.speak(u);
    });
  }

  block() {
    if (!this.blocked) {
      this.blocked = true;
      this.onBlocked();
    }
  }
}

function pickVoice(lang) {
  const voices = speechSynthesis.getVoices();
  const base = lang.split('-')[0];
  return (
    voices.find((v) => v.lang.replace('_', '-') === lang) ||
    voices.find((v) => v.lang.startsWith(base)) ||
    null
  );
}

// The part both screens share: keep the model current from the feed, keep the clock
// and language, show the link mark and any fault, and announce each new call once
// (if it is fresh and the page wants it).

import { Announcer } from './announcer.js';
import { HallClock, Languages, applyTexts, boot, hideFault, pageToken, showFault, t } from './common.js';
import { Feed } from './feed.js';
import { CALL_TYPES, HallModel, callKey } from './model.js';

// A call missed while the screen was away is still announced if it is this recent;
// older ones only appear in the list (an hour-old call read out helps nobody).
const ANNOUNCE_MAX_AGE_S = 120;
const SEEN_LIMIT = 500;

export function startScreen({ render, tick, voiceDefault, wants = () => true }) {
  const model = new HallModel();
  const clock = new HallClock();
  const seen = new Set();
  const voice = boot.voice === '' ? voiceDefault : boot.voice === '1';
  const sound = document.getElementById('sound');
  const link = document.getElementById('link');
  const announcer = new Announcer({ enabled: voice, onBlocked: () => (sound.hidden = false) });
  const langs = new Languages((lang) => {
    applyTexts(lang);
    if (!link.hidden) link.textContent = `● ${t(lang, 'reconnecting')}`;
    if (model.state) render(model, langs, clock, null);
    tick(clock, langs);
  });

  // Calls in the order they were made; each is noted once and announced if fresh.
  // Returns the calls not seen before (the page flashes the latest of them).
  const note = (calls, announce) => {
    const added = calls.filter((call) => !seen.has(callKey(call)));
    for (const call of added) {
      seen.add(callKey(call));
      if (announce && wants(call) && clock.ageS(call.at) <= ANNOUNCE_MAX_AGE_S) announcer.enqueue(call);
    }
    while (seen.size > SEEN_LIMIT) seen.delete(seen.values().next().value);
    return announce ? added : [];
  };

  const settings = (state) => {
    langs.setMode(state.display.language);
    announcer.configure({ repeat: state.display.announce_repeat, mode: langs.mode });
  };

  const feed = new Feed(pageToken(), () => model.seq, {
    snapshot(state) {
      const first = model.state === null;
      clock.sync(state.at);
      if (!model.replace(state)) return;
      settings(model.state);
      const added = note([...model.state.recent_calls].reverse(), !first);
      render(model, langs, clock, added.at(-1) || null);
    },
    event(ev) {
      const outcome = model.apply(ev);
      if (outcome !== 'applied') return outcome;
      const added = CALL_TYPES.has(ev.type) ? note([model.state.recent_calls[0]], true) : [];
      render(model, langs, clock, added.at(-1) || null);
      return outcome;
    },
    heartbeat(msg) {
      clock.sync(msg.at);
      // The server says it sent up to msg.seq: anything past ours went missing.
      return model.seq != null && msg.seq > model.seq ? 'gap' : 'ok';
    },
    link(live) {
      link.hidden = live;
      link.textContent = live ? '' : `● ${t(langs.current, 'reconnecting')}`;
    },
    fault(code) {
      if (code) showFault([t('zh', code), t('en', code)]);
      else hideFault();
    },
  });

  // Browsers allow sound only after a touch, click or key press on the page.
  const unlock = () => {
    announcer.unlock();
    sound.hidden = true;
  };
  document.addEventListener('pointerdown', unlock);
  document.addEventListener('keydown', unlock);

  // Exposed for people debugging a screen and for the browser tests.
  window.announcer = announcer;
  window.hallScreen = { model, feed, clock, langs, announcer, seen };

  applyTexts('zh');
  setInterval(() => tick(clock, langs), 1000);
  tick(clock, langs);
  const fault = boot.fault;
  if (fault) showFault([t('zh', fault, { window: boot.shown }), t('en', fault, { window: boot.shown })]);
  // Nothing to follow without a token or a window; a wrong token may be fixed in the
  // config while the screen waits, so that one keeps trying.
  if (fault !== 'token_missing' && fault !== 'unknown_window') feed.start();
}

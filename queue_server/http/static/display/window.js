// The window screen: the number being served (or called) at one window, large.

import { boot, restartClass, t } from './common.js';
import { startScreen } from './screen.js';

const FLASH_MS = 8000;
const el = (id) => document.getElementById(id);
let flashTimer = null;

function render(model, langs, clock, newest) {
  const lang = langs.current;
  const w = model.window(boot.window);
  el('window-title').textContent = t(lang, 'window_title', { window: boot.window });
  if (!w) return;
  const ticket = w.current;
  const page = el('serving');
  page.dataset.state = ticket ? ticket.state : w.state;
  el('serving-number').textContent = ticket ? ticket.number : '—';
  let status;
  if (ticket && ticket.state === 'called') status = t(lang, 'call_here', { number: ticket.number });
  else if (ticket) status = t(lang, 'now_serving');
  else if (w.state === 'paused') status = t(lang, 'window_paused');
  else if (w.state === 'closed') status = t(lang, 'window_closed');
  else status = t(lang, 'window_idle');
  el('serving-status').textContent = status;
  el('serving-sub').textContent = lang === 'zh' ? w.name : '';
  if (newest && newest.window === boot.window) {
    restartClass(page, 'flash');
    clearTimeout(flashTimer);
    flashTimer = setTimeout(() => page.classList.remove('flash'), FLASH_MS);
  }
}

function tick(clock) {
  el('time').textContent = clock.parts().time.slice(0, 5);
}

if (boot.page === 'window') {
  startScreen({ render, tick, voiceDefault: false, wants: (call) => call.window === boot.window });
}

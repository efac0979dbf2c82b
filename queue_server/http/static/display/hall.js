// The hall screen: the latest call flashing, the last calls, the waiting per service,
// the date and time and the hall's notice line.

import { boot, restartClass, t } from './common.js';
import { startScreen } from './screen.js';

const FLASH_MS = 8000;
const el = (id) => document.getElementById(id);
let flashTimer = null;

function cell(tag, text, className = '') {
  const node = document.createElement(tag);
  node.textContent = text;
  if (className) node.className = className;
  return node;
}

function render(model, langs, clock, newest) {
  const s = model.state;
  const lang = langs.current;
  const limit = Math.max(1, s.display.recent_calls);
  const calls = model.latestCalls(limit + 1);
  el('hall-name').textContent = s.hall;
  renderHero(calls[0], lang, langs.other, newest);
  el('recent').replaceChildren(
    ...calls.slice(0, limit).map((call, i) => {
      const row = document.createElement('tr');
      if (i === 0) row.className = 'latest';
      row.append(cell('td', call.number, 'num'), cell('td', t(lang, 'window_cell', { window: call.window })));
      return row;
    }),
  );
  // One row of tiles for up to ten services, two rows beyond that.
  const columns = s.services.length <= 10 ? s.services.length : Math.ceil(s.services.length / 2);
  el('services').style.gridTemplateColumns = `repeat(${Math.max(1, columns)}, minmax(0, 1fr))`;
  el('services').replaceChildren(
    ...s.services.map((svc) => {
      const item = document.createElement('li');
      if (svc.waiting === 0) item.className = 'none';
      item.append(
        cell('span', lang === 'en' ? svc.name_en : svc.name_zh, 'svc-name'),
        cell('span', t(lang, 'waiting_count', { count: svc.waiting }), 'svc-count'),
      );
      return item;
    }),
  );
  renderNotice(s.notice);
}

function renderHero(call, lang, other, newest) {
  el('hero-label').textContent = t(lang, call && call.call_count > 1 ? 'recall_mark' : 'hall_title');
  if (!call) {
    el('hero-number').textContent = '—';
    el('hero-sentence').textContent = t(lang, 'no_calls');
    el('hero-sub').textContent = '';
    return;
  }
  const values = { number: call.number, window: call.window };
  el('hero-number').textContent = call.number;
  el('hero-sentence').textContent = t(lang, 'call_sentence', values);
  el('hero-sub').textContent = other ? t(other, 'call_sentence', values) : '';
  if (newest) {
    restartClass(el('hero'), 'flash');
    clearTimeout(flashTimer);
    flashTimer = setTimeout(() => el('hero').classList.remove('flash'), FLASH_MS);
  }
}

// A notice wider than the screen scrolls; a short one stays still.
function renderNotice(text) {
  const node = el('notice');
  if (node.textContent === text) return;
  node.textContent = text;
  node.parentElement.hidden = !text;
  requestAnimationFrame(() => {
    const overflow = node.scrollWidth > node.parentElement.clientWidth;
    node.classList.toggle('scroll', overflow);
    node.style.animationDuration = `${Math.max(15, text.length / 3)}s`;
  });
}

function tick(clock, langs) {
  el('date').textContent = clock.dateText(langs.current);
  el('time').textContent = clock.parts().time;
}

if (boot.page === 'hall') startScreen({ render, tick, voiceDefault: true });

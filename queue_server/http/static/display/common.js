// What both screens share: the boot data the server put in the page, the strings of
// the catalogue, the language cycle (zh, en or both alternating) and the hall's clock.

export const boot = JSON.parse(document.getElementById('boot').textContent);

// In "both" mode each language stays on screen this long before the other one.
const ALTERNATE_MS = 10000;

export function format(template, values = {}) {
  return template.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? String(values[key]) : whole));
}

export function t(lang, key, values = {}) {
  const strings = boot.strings[lang] || boot.strings.zh;
  return format(strings[key] ?? boot.strings.zh[key] ?? key, values);
}

export function pageToken() {
  return new URLSearchParams(location.search).get('token') || '';
}

// Fills every element marked data-t="key" with its string in `lang`.
export function applyTexts(lang) {
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
  for (const el of document.querySelectorAll('[data-t]')) el.textContent = t(lang, el.dataset.t);
}

export class Languages {
  constructor(onChange) {
    this.onChange = onChange;
    this.mode = null;
    this.current = 'zh';
    this.timer = null;
  }

  // The URL's ?lang= wins over the hall setting, so one screen can differ.
  setMode(hallMode) {
    const wanted = ['zh', 'en', 'both'].includes(boot.lang) ? boot.lang : hallMode || 'zh';
    if (wanted === this.mode) return;
    this.mode = wanted;
    clearInterval(this.timer);
    this.timer = null;
    this.current = wanted === 'en' ? 'en' : 'zh';
    if (wanted === 'both') {
      this.timer = setInterval(() => {
        this.current = this.current === 'zh' ? 'en' : 'zh';
        this.onChange(this.current);
      }, ALTERNATE_MS);
    }
    this.onChange(this.current);
  }

  // The other language while alternating, for a second line under the first.
  get other() {
    return this.mode === 'both' ? (this.current === 'zh' ? 'en' : 'zh') : null;
  }
}

// The hall's time, whatever the TV's own clock and time zone say: the offset to the
// server's clock and the hall's UTC offset both come from the server's timestamps.
export class HallClock {
  constructor() {
    this.offsetMs = 0;
    this.zoneMin = 480;
  }

  sync(iso) {
    const at = Date.parse(iso);
    if (Number.isNaN(at)) return;
    this.offsetMs = at - Date.now();
    const zone = /([+-])(\d\d):?(\d\d)$/.exec(iso);
    if (zone) this.zoneMin = (zone[1] === '-' ? -1 : 1) * (Number(zone[2]) * 60 + Number(zone[3]));
    else if (iso.endsWith('Z')) this.zoneMin = 0;
  }

  now() {
    return Date.now() + this.offsetMs;
  }

  // Seconds since `iso` by the server's clock.
  ageS(iso) {
    return (this.now() - Date.parse(iso)) / 1000;
  }

  parts() {
    const d = new Date(this.now() + this.zoneMin * 60000);
    const pad = (n) => String(n).padStart(2, '0');
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      weekday: (d.getUTCDay() + 6) % 7, // Monday first, as the catalogue lists them
      time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`,
    };
  }

  dateText(lang) {
    const p = this.parts();
    const weekday = t(lang, 'weekdays').split(' ')[p.weekday];
    const monthName = (t(lang, 'month_names').split(' ')[p.month - 1]) || p.month;
    return t(lang, 'date', { ...p, weekday, month_name: monthName });
  }
}

export function showFault(message) {
  const el = document.getElementById('fault');
  el.replaceChildren(...message.map((line) => Object.assign(document.createElement('p'), { textContent: line })));
  el.hidden = false;
}

export function hideFault() {
  document.getElementById('fault').hidden = true;
}

// Restarts a CSS animation class even when it is already on the element.
export function restartClass(el, name) {
  el.classList.remove(name);
  void el.offsetWidth;
  el.classList.add(name);
}

// The evaluator tablet at one window (好差评). Idle, it invites a rating; when the
// window finishes serving a ticket it lights up with that ticket's number and five
// big buttons, posts the rating for exactly that ticket with the device token, thanks
// the visitor and goes back to idle. It follows /api/ws and resumes with since=SEQ
// after any drop, so a ticket finished during a network blip still lights it up.

const boot = JSON.parse(document.getElementById('boot').textContent);
const token = new URLSearchParams(location.search).get('token') || '';
const el = (id) => document.getElementById(id);

const THANKS_MS = 6000;
const MIN_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 10000;
// The server sends a heartbeat every 15 s on an idle stream: three missed means dead.
const SILENCE_MS = 45000;
const WATCH_MS = 5000;

let lang = boot.lang;
let mode = 'idle'; // idle | ask | sending | thanks
let ticket = null; // the finished ticket being rated: {id, number}
let note = '';
let thanks = ['', ''];
let timer = null;

function t(key, values = {}) {
  const table = boot.strings[lang] || boot.strings.zh;
  const template = table[key] ?? boot.strings.zh[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

function render() {
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
  document.title = t('title', { window: boot.window });
  for (const node of document.querySelectorAll('[data-t]')) node.textContent = t(node.dataset.t);
  el('window-title').textContent = t('window_title', { window: boot.window });
  el('window-name').textContent = lang === 'zh' ? boot.window_name : '';
  el('language').textContent = t('other_language');
  document.body.dataset.mode = mode;
  el('idle').hidden = mode !== 'idle';
  el('ask').hidden = mode !== 'ask' && mode !== 'sending';
  el('thanks').hidden = mode !== 'thanks';
  el('ticket-line').textContent = ticket ? t('ticket_line', { number: ticket.number }) : '';
  el('note').textContent = mode === 'sending' ? t('sending') : note;
  for (const button of document.querySelectorAll('.score')) button.disabled = mode !== 'ask';
  el('thanks-text').textContent = thanks[0];
  el('thanks-sub').textContent = thanks[1];
}

function later(ms, then) {
  clearTimeout(timer);
  timer = setTimeout(then, ms);
}

function idle() {
  mode = 'idle';
  ticket = null;
  note = '';
  lang = boot.lang; // the next visitor starts in the tablet's own language
  render();
}

// The window finished serving `finished`: a new visitor to ask, even mid-question.
function light(finished) {
  mode = 'ask';
  ticket = { id: finished.id, number: finished.number };
  note = '';
  render();
  later(boot.lit_s * 1000, idle);
}

function thank(main, sub) {
  mode = 'thanks';
  thanks = [main, sub];
  render();
  later(THANKS_MS, idle);
}

async function rate(score) {
  if (mode !== 'ask' || !ticket) return; // a second tap while the first is on its way
  mode = 'sending';
  render();
  let reply;
  try {
    reply = await fetch('/api/ratings', {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
        'Accept-Language': lang === 'en' ? 'en' : 'zh-CN',
      },
      body: JSON.stringify({ score, ticket: ticket.id }),
      cache: 'no-store',
    });
  } catch {
    mode = 'ask';
    note = t('retry');
    return render();
  }
  if (reply.status === 201) return thank(t('thanks'), t('thanks_sub'));
  const code = await reply.json().then((body) => body.error.code, () => '');
  if (code === 'already_rated') return thank(t('already'), '');
  // The window finished its next visitor before this tap arrived.
  if (code === 'not_last_served') return thank(t('moved_on'), '');
  if (code === 'evaluator_unbound') return fault('unbound');
  if (reply.status === 401 || reply.status === 403) return fault('token_wrong');
  if (reply.status === 409) return thank(t('not_served'), '');
  mode = 'ask';
  note = t('retry');
  render();
}

function fault(key) {
  const lines = ['zh', 'en'].map((code) => {
    const saved = lang;
    lang = code;
    const line = t(key, { window: boot.window, owner: boot.owner });
    lang = saved;
    return line;
  });
  el('fault').replaceChildren(...lines.map((line) => Object.assign(document.createElement('p'), { textContent: line })));
  el('fault').hidden = false;
}

// Follows the hall's events for this window, resuming by seq after any drop.
class Follow {
  constructor() {
    this.seq = null;
    this.ws = null;
    this.live = false;
    this.backoff = MIN_BACKOFF_MS;
    this.lastMessage = Date.now();
  }

  start() {
    this.connect();
    setInterval(() => this.watch(), WATCH_MS);
    addEventListener('online', () => this.ws && this.dropped(this.ws));
  }

  connect() {
    const url = new URL('/api/ws', location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('token', token);
    if (this.seq != null) url.searchParams.set('since', String(this.seq));
    const ws = new WebSocket(url);
    this.ws = ws;
    this.lastMessage = Date.now();
    ws.onmessage = (m) => this.receive(ws, m.data);
    ws.onclose = () => this.dropped(ws);
  }

  receive(ws, data) {
    if (ws !== this.ws) return;
    this.lastMessage = Date.now();
    let msg;
    try {
      msg = JSON.parse(data);
    } catch {
      return this.dropped(ws);
    }
    if (!this.live) {
      this.live = true;
      this.backoff = MIN_BACKOFF_MS;
      el('link').hidden = true;
    }
    if (msg.type === 'heartbeat') {
      // The server has sent events this page never got: reconnect, and resume fills them.
      if (this.seq != null && msg.seq > this.seq) this.dropped(ws);
      return;
    }
    if (msg.type === 'snapshot') {
      this.seq = msg.seq;
      return;
    }
    if (this.seq != null && msg.seq <= this.seq) return; // seen before the drop
    this.seq = msg.seq;
    const where = msg.window ?? msg.ticket?.window;
    if (msg.type === 'ticket.finished' && where === boot.window && msg.ticket.outcome === 'served') {
      light(msg.ticket);
    }
  }

  dropped(ws) {
    if (ws !== this.ws) return;
    this.ws = null;
    ws.onmessage = ws.onclose = null;
    try {
      ws.close();
    } catch {
      /* already closed */
    }
    this.live = false;
    el('link').hidden = false;
    this.checkToken();
    const wait = this.backoff * (0.5 + Math.random());
    this.backoff = Math.min(MAX_BACKOFF_MS, this.backoff * 2);
    setTimeout(() => this.connect(), wait);
  }

  // A drop is a dead link or a token taken out of the config: only the server can say.
  async checkToken() {
    try {
      const reply = await fetch('/api/state', { headers: { Authorization: `Bearer ${token}` }, cache: 'no-store' });
      if (reply.status === 401 || reply.status === 403) fault('token_wrong');
      else if (reply.ok) el('fault').hidden = true;
    } catch {
      /* unreachable: the reconnecting mark says so */
    }
  }

  // A socket silent after sleep or a pulled cable may never close by itself.
  watch() {
    if (this.ws && Date.now() - this.lastMessage > SILENCE_MS) this.dropped(this.ws);
  }
}

for (const button of document.querySelectorAll('.score')) {
  button.addEventListener('click', () => rate(Number(button.dataset.score)));
}
el('language').addEventListener('click', () => {
  lang = lang === 'zh' ? 'en' : 'zh';
  render();
});

render();
if (!boot.fault) new Follow().start();

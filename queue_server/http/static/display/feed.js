// Keeps a screen connected to the hall: follows /api/ws, resuming with since=SEQ after
// any drop (server restart, network blip, the TV waking from sleep) with a growing,
// jittered back-off, and re-reads /api/state on a slow timer as a safety net. A wrong
// token is told apart from a dead server by asking /api/state after every drop.

const MIN_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 10000;
const REFRESH_MS = 60000;
// The server sends a heartbeat every 15 s on an idle stream: three missed means dead.
const SILENCE_MS = 45000;
const WATCH_MS = 5000;
const HTTP_TIMEOUT_MS = 10000;

export class Feed {
  // handlers: snapshot(state), event(ev) and heartbeat(msg) -> 'gap' when events went
  // missing, link(live), fault(code or null). seq() gives the last seq the screen has applied.
  constructor(token, seq, handlers) {
    this.token = token;
    this.seq = seq;
    this.on = handlers;
    this.ws = null;
    this.live = false;
    this.backoff = MIN_BACKOFF_MS;
    this.retry = null;
    this.lastMessage = Date.now();
    this.lastTick = Date.now();
    this.drops = 0;
  }

  start() {
    this.refresh();
    this.connect();
    setInterval(() => this.refresh(), REFRESH_MS);
    setInterval(() => this.watch(), WATCH_MS);
    addEventListener('online', () => this.reconnectNow());
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden && !this.live) this.reconnectNow();
    });
  }

  connect() {
    clearTimeout(this.retry);
    this.retry = null;
    const url = new URL('/api/ws', location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('token', this.token);
    const since = this.seq();
    if (since != null) url.searchParams.set('since', String(since));
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.onmessage = (m) => this.receive(ws, m.data);
    ws.onclose = () => this.dropped(ws);
    ws.onerror = () => {}; // a close always follows; the reason is found by refresh()
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
      // Live only once the server has answered: an accepted-then-closed socket is not.
      this.live = true;
      this.backoff = MIN_BACKOFF_MS;
      this.on.link(true);
    }
    if (msg.type === 'heartbeat') {
      if (this.on.heartbeat(msg) === 'gap') this.dropped(ws);
      return;
    }
    if (msg.type === 'snapshot') return this.on.snapshot(msg.state);
    if (this.on.event(msg) === 'gap') this.dropped(ws); // resume fills the gap
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
    this.drops += 1;
    if (this.live) {
      this.live = false;
      this.on.link(false);
    } else if (this.drops === 1) {
      this.on.link(false);
    }
    this.refresh();
    const wait = this.backoff * (0.5 + Math.random());
    this.backoff = Math.min(MAX_BACKOFF_MS, this.backoff * 2);
    this.retry = setTimeout(() => this.connect(), wait);
  }

  reconnectNow() {
    this.backoff = MIN_BACKOFF_MS;
    if (this.ws) this.dropped(this.ws);
    else this.connect();
  }

  // A silent socket after sleep or a cable pull may never fire onclose: drop it.
  watch() {
    const now = Date.now();
    const slept = now - this.lastTick > 3 * WATCH_MS;
    this.lastTick = now;
    if (this.ws && (slept || now - this.lastMessage > SILENCE_MS)) this.dropped(this.ws);
    if (slept) this.refresh();
  }

  async refresh() {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), HTTP_TIMEOUT_MS);
    try {
      const resp = await fetch('/api/state', {
        headers: { Authorization: `Bearer ${this.token}`, Accept: 'application/json' },
        cache: 'no-store',
        signal: abort.signal,
      });
      if (resp.status === 401 || resp.status === 403) return this.on.fault('token_wrong');
      if (!resp.ok) return;
      const state = await resp.json();
      this.on.fault(null);
      this.on.snapshot(state);
    } catch {
      // Unreachable: the reconnecting mark already says so; the socket keeps retrying.
    } finally {
      clearTimeout(timer);
    }
  }
}

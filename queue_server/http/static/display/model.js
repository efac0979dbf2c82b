// The screen's copy of the hall: a snapshot from the server, kept current by applying
// each event in `seq` order. Mirrors display/board.py of the terminal screen.

export const CALL_TYPES = new Set(['ticket.called', 'ticket.recalled']);
const IN_HAND = new Set(['called', 'serving']);
// More than a screen shows, so a recall folded into its first call leaves enough rows.
const KEEP_CALLS = 30;

export function callKey(call) {
  return `${call.number}|${call.window}|${call.call_count}|${call.at}`;
}

export class HallModel {
  constructor() {
    this.state = null;
  }

  get seq() {
    return this.state ? this.state.seq : null;
  }

  // A snapshot replaces the state unless events already took the screen past it.
  replace(snapshot) {
    if (this.state && snapshot.seq < this.state.seq) return false;
    this.state = structuredClone(snapshot);
    return true;
  }

  // 'applied', 'old' (already seen) or 'gap' (events are missing before this one).
  apply(ev) {
    const s = this.state;
    if (!s || ev.seq <= s.seq) return 'old';
    if (ev.seq > s.seq + 1) return 'gap';
    if (ev.type.startsWith('ticket.')) this.applyTicket(ev);
    else if (ev.type.startsWith('window.')) this.applyWindow(ev);
    else if (ev.type === 'queue.changed') {
      for (const svc of s.services) svc.waiting = ev.waiting[svc.code] ?? 0;
    }
    s.seq = ev.seq;
    return 'applied';
  }

  applyTicket(ev) {
    const ticket = ev.ticket;
    const held = IN_HAND.has(ticket.state) && ticket.window != null;
    for (const w of this.state.windows) {
      if (w.current && w.current.id === ticket.id && !(held && w.number === ticket.window)) w.current = null;
    }
    if (held) {
      const w = this.window(ticket.window);
      if (w) w.current = ticket;
    }
    if (CALL_TYPES.has(ev.type) && ev.window != null) {
      const call = { number: ev.number, service: ev.service, window: ev.window, call_count: ev.call_count, at: ev.at };
      this.state.recent_calls.unshift(call);
      this.state.recent_calls.length = Math.min(this.state.recent_calls.length, KEEP_CALLS);
    }
  }

  applyWindow(ev) {
    const w = this.window(ev.window);
    if (!w) return;
    w.state = ev.state;
    w.pause_reason = ev.reason;
    if (ev.state === 'closed') w.current = null;
  }

  window(number) {
    return this.state.windows.find((w) => w.number === number) || null;
  }

  // Latest first, a number shown once (a recall moves it back to the top).
  latestCalls(limit) {
    const seen = new Set();
    const out = [];
    for (const call of this.state.recent_calls) {
      if (seen.has(call.number)) continue;
      seen.add(call.number);
      out.push(call);
      if (out.length >= limit) break;
    }
    return out;
  }
}

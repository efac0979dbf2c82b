// The live ticket status page: poll the public ticket API and keep the card current.
// The server rendered the first state into the page; this keeps it fresh, says so when
// the network drops, and draws attention (title, vibration) when the number is called.
"use strict";

(() => {
  const body = document.body;
  const boot = JSON.parse(document.getElementById("boot").textContent);
  const S = boot.strings;
  const id = body.dataset.ticket;
  const pollMs = Number(body.dataset.poll) || 4000;
  const FINAL = new Set(["done", "no_show", "cancelled", "expired"]);
  const $ = (name) => document.getElementById(name);
  const fill = (text, values) =>
    text.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? String(values[key]) : whole));
  const baseTitle = document.title;
  let lastState = boot.ticket.state;
  let timer = null;

  function facts(t) {
    if (t.state !== "waiting" || t.people_ahead === null) return ["", ""];
    const ahead = fill(S.people, { count: t.people_ahead });
    if (!t.estimated_wait_s) return [ahead, S.wait_soon];
    return [ahead, fill(S.wait_minutes, { minutes: Math.ceil(t.estimated_wait_s / 60) })];
  }

  function hallTime(d) {
    const lang = document.documentElement.lang || "zh-CN";
    return d.toLocaleTimeString(lang, { timeZone: boot.tz, hour12: false });
  }

  function render(t) {
    $("card").className = `card state-${t.state}`;
    $("service").textContent = boot.services[t.service] || t.service;
    $("number").textContent = t.number;
    $("kind").textContent = t.kind === "normal" ? "" : S[`kind_${t.kind}`] || "";
    $("state").textContent = fill(S[`state_${t.state}`] || t.state, { window: t.window ?? "" });
    const [ahead, wait] = facts(t);
    $("ahead").textContent = ahead;
    $("wait").textContent = wait;
    $("facts").hidden = !ahead;
    $("updated").textContent = fill(S.updated, { time: hallTime(new Date()) });
    if (t.state === "called" && lastState !== "called") attention(t);
    if (t.state !== "called") document.title = baseTitle;
    lastState = t.state;
  }

  function attention(t) {
    document.title = `${fill(S.state_called, { window: t.window ?? "" })} · ${t.number}`;
    if (navigator.vibrate) navigator.vibrate([300, 150, 300]);
  }

  function gone() {
    $("card").className = "card state-gone";
    $("state").textContent = S.gone;
    $("facts").hidden = true;
  }

  function link(ok) {
    $("link").hidden = ok;
  }

  async function refresh() {
    clearTimeout(timer);
    try {
      const reply = await fetch(`/api/tickets/${encodeURIComponent(id)}`, {
        cache: "no-store",
        headers: { "Accept-Language": document.documentElement.lang },
      });
      if (reply.status === 404) {
        link(true);
        gone();
        return; // the ticket's day is over: nothing more will change
      }
      if (!reply.ok) throw new Error(`HTTP ${reply.status}`);
      const ticket = await reply.json();
      link(true);
      render(ticket);
      if (FINAL.has(ticket.state)) return;
    } catch (err) {
      link(false);
    }
    timer = setTimeout(refresh, pollMs);
  }

  // A phone wakes from the pocket: update at once rather than at the next tick.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && !FINAL.has(lastState)) refresh();
  });
  window.addEventListener("online", () => refresh());
  render(boot.ticket);
  if (!FINAL.has(lastState)) timer = setTimeout(refresh, pollMs);
})();

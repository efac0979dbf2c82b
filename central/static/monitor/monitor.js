// The district live monitor: a snapshot over /monitor/ws, then only what changed.
// Everything is drawn with textContent: no figure from the wire is ever read as HTML.

const boot = JSON.parse(document.getElementById("boot").textContent);
const S = boot.strings;

function t(key, values = {}) {
  const template = S[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (m, name) => (name in values ? String(values[name]) : m));
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === "class") node.className = value;
    else node.setAttribute(name, value);
  }
  for (const child of children) {
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const $ = (id) => document.getElementById(id);

class Monitor {
  constructor() {
    this.tiles = new Map();   // hall code → {hall, windows}, in district order
    this.warnings = [];
    this.cases = [];
    this.casesTotal = 0;
    this.limits = null;
    this.selected = null;
    this.live = false;
    this.messages = 0;
    this.retry = 1000;
  }

  hallName(code) {
    const tile = this.tiles.get(code);
    if (!tile) return code;
    return boot.lang === "en" ? tile.hall.name_en : tile.hall.name_zh;
  }

  connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const ws = new WebSocket(`${scheme}://${location.host}/monitor/ws`);
    ws.onmessage = (e) => this.receive(JSON.parse(e.data));
    ws.onclose = () => {
      this.live = false;
      this.drawConnection();
      setTimeout(() => this.connect(), this.retry);
      this.retry = Math.min(this.retry * 2, 10000);
    };
    this.ws = ws;
  }

  receive(message) {
    this.messages += 1;
    if (message.type === "monitor.snapshot") {
      this.tiles = new Map(message.halls.map((tile) => [tile.hall.code, tile]));
      this.limits = message.limits;
      this.warnings = message.warnings;
      this.cases = message.cases;
      this.casesTotal = message.cases_total;
      this.live = true;
      this.retry = 1000;
    } else if (message.type === "monitor.update") {
      for (const tile of message.halls) this.tiles.set(tile.hall.code, tile);
      if (message.warnings !== null) this.warnings = message.warnings;
      if (message.cases !== null) this.cases = message.cases;
      if (message.cases_total !== null) this.casesTotal = message.cases_total;
    }
    this.draw();
  }

  draw() {
    this.drawConnection();
    this.drawWarnings();
    this.drawCases();
    this.drawTiles();
    this.drawDetail();
  }

  drawConnection() {
    const conn = $("conn");
    conn.textContent = this.live ? t("live") : (this.messages ? t("reconnecting") : t("connecting"));
    conn.className = this.live ? "up" : "down";
  }

  warningText(w) {
    const hall = this.hallName(w.hall);
    if (w.kind === "offline" && w.value < 0) return t("w_offline_never", { hall });
    return t(`w_${w.kind}`, { hall, value: w.value, limit: w.limit });
  }

  drawWarnings() {
    const list = $("warnings");
    list.replaceChildren();
    for (const w of this.warnings) {
      const alarm = w.kind === "offline" || w.kind === "cases_overdue";
      list.append(el("li", { class: alarm ? "alarm" : "warn", "data-kind": w.kind,
                             "data-hall": w.hall }, this.warningText(w)));
    }
    if (!this.warnings.length) list.append(el("li", { class: "none" }, t("no_warnings")));
  }

  drawCases() {
    $("cases").hidden = this.cases.length === 0;
    const body = $("cases-body");
    body.replaceChildren();
    for (const c of this.cases) {
      const left = c.overdue ? t("overdue") : String(c.days_left);
      body.append(el("tr", { class: c.overdue ? "overdue" : "due", "data-case": c.case_no ?? "" },
        el("td", {}, c.case_no ?? "—"), el("td", {}, this.hallName(c.hall)),
        el("td", {}, c.item), el("td", {}, c.deadline), el("td", {}, left)));
    }
    const more = this.casesTotal - this.cases.length;
    $("cases-more").hidden = more <= 0;
    $("cases-more").textContent = t("more_cases", { n: more });
  }

  warnedHalls() {
    return new Set(this.warnings.map((w) => w.hall));
  }

  drawTiles() {
    const main = $("tiles");
    main.hidden = this.selected !== null;
    const warned = this.warnedHalls();
    main.replaceChildren();
    for (const [code, { hall }] of this.tiles) {
      const classes = ["tile"];
      if (!hall.online) classes.push("offline");
      else if (warned.has(code)) classes.push("warned");
      const figures = el("dl", {},
        el("dt", {}, t("open_windows")), el("dd", { class: "open" }, hall.open_windows),
        el("dt", {}, t("paused_windows")), el("dd", { class: "paused" }, hall.paused_windows),
        el("dt", {}, t("waiting")), el("dd", { class: "waiting" }, hall.waiting_total),
        el("dt", {}, t("longest_wait")),
        el("dd", { class: "longest" }, t("minutes", { n: Math.floor(hall.longest_wait_s / 60) })),
        el("dt", {}, t("tickets_today")), el("dd", { class: "tickets" }, hall.tickets_today),
        el("dt", {}, t("cases_today")), el("dd", { class: "cases" }, hall.cases_today));
      let status = hall.online ? t("online") : t("offline");
      if (hall.lag_events > 0) status += " · " + t("lag", { n: hall.lag_events });
      const tile = el("article", { class: classes.join(" "), "data-hall": code, tabindex: "0" },
        el("h3", {}, this.hallName(code), el("span", { class: "level" }, t(`level_${hall.level}`))),
        figures, el("div", { class: "status" }, status));
      tile.addEventListener("click", () => this.select(code));
      tile.addEventListener("keydown", (e) => { if (e.key === "Enter") this.select(code); });
      main.append(tile);
    }
  }

  select(code) {
    this.selected = code;
    this.draw();
  }

  drawDetail() {
    const detail = $("detail");
    const tile = this.selected !== null ? this.tiles.get(this.selected) : undefined;
    detail.hidden = tile === undefined;
    $("hint").hidden = tile !== undefined;
    if (tile === undefined) return;
    detail.dataset.hall = tile.hall.code;
    $("detail-title").textContent = this.hallName(tile.hall.code);
    $("detail-figures").textContent =
      `${t("open_windows")} ${tile.hall.open_windows} · ${t("waiting")} ${tile.hall.waiting_total}`;
    const body = $("windows-body");
    body.replaceChildren();
    for (const w of tile.windows) {
      const ticket = w.serving ? `${w.serving}` : "—";
      const ticketState = w.ticket_state ? t(`ticket_${w.ticket_state}`) : "";
      body.append(el("tr", { class: w.state, "data-window": w.number },
        el("td", {}, w.number), el("td", {}, t(`state_${w.state}`)),
        el("td", { class: "serving" }, ticket), el("td", {}, ticketState)));
    }
    $("no-windows").hidden = tile.windows.length > 0;
  }
}

function labels() {
  $("warnings-title").textContent = t("warnings");
  $("cases-title").textContent = t("cases");
  $("cases-head").replaceChildren(
    ...["case_no", "hall", "item", "deadline", "days_left"].map((k) => el("th", {}, t(k))));
  $("windows-head").replaceChildren(
    ...["window", "state", "serving", ""].map((k) => el("th", {}, k ? t(k) : "")));
  $("back").textContent = t("back");
  $("no-windows").textContent = t("no_windows");
  $("hint").textContent = t("hint");
}

function tickClock() {
  const now = new Date();
  $("clock").textContent = now.toLocaleTimeString(boot.lang === "en" ? "en-GB" : "zh-CN",
                                                  { hour12: false });
}

const monitor = new Monitor();
window.monitor = monitor;
labels();
tickClock();
setInterval(tickClock, 1000);
$("back").addEventListener("click", () => monitor.select(null));
if (!boot.fault) {
  monitor.drawConnection();
  monitor.connect();
}

"use strict";
// The page's settings, rendered by counterd into a JSON data block (not a script: the CSP allows none inline).
const C = JSON.parse(document.getElementById("config").textContent);
const token = new URLSearchParams(location.search).get("token") || "";
document.body.className = C.layout;
let state = null, lastCall = null, needRefresh = false, timer = null, noticeTimer = null;
const esc = s => String(s).replace(/[&<>"]/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})[c]);
const fill = (t, v) => t.replace(/\{(\w+)\}/g, (m, k) => v[k] !== undefined ? v[k] : m);

function values(w, number) {
  return { hall: state ? state.hall : "", window: w.number, window_name: w.name, ticket: number || "",
           clerk: w.clerk ? w.clerk.name : "", category: "" };
}
function serving() {
  return (state ? state.windows : []).filter(w => w.serving)
    .sort((a, b) => Date.parse(b.serving.last_called_at) - Date.parse(a.serving.last_called_at));
}
// The last calls, newest first: tickets being served now, and calls seen on the stream since the page
// opened (a finished ticket stays on the list until newer calls push it off).
// Times in the API have whole seconds: calls within one second keep the order they were seen in (n).
const history = new Map();
let seen = 0;
function remember(number, window, at) {
  const key = number + "@" + window, t = Date.parse(at) || Date.now();
  if (!history.has(key) || history.get(key).at < t) history.set(key, { number, window, at: t, n: ++seen });
  if (history.size > 60) [...history.entries()].sort((a, b) => a[1].at - b[1].at).slice(0, history.size - 60).forEach(([k]) => history.delete(k));
}
function recentCalls() {
  for (const w of serving().reverse()) remember(w.serving.number, w.number, w.serving.last_called_at);
  const names = new Map((state ? state.windows : []).map(w => [w.number, w]));
  return [...history.values()].filter(c => names.has(c.window)).sort((a, b) => b.at - a.at || b.n - a.n)
    .map(c => ({ ...c, w: names.get(c.window), current: (names.get(c.window).serving || {}).number === c.number }));
}
function render() {
  if (!state) return;
  document.getElementById("title").textContent = state.hall;
  const main = document.getElementById("main");
  if (C.layout === "window") {
    const w = state.windows.find(x => x.number === C.window);
    if (!w) { main.innerHTML = "<div id='line'>没有这个窗口</div>"; return; }
    const number = w.serving ? w.serving.number : "";
    const line = w.serving ? fill(C.call, values(w, number)) : (w.clerk && !w.paused ? fill(C.idle, values(w)) : fill(C.closed, values(w)));
    main.innerHTML = `<div id="current" class="num">${esc(number || w.number)}</div><div id="line">${esc(line)}</div>` +
      `<div id="clerk">${esc(w.name)}${w.clerk ? " · " + esc(w.clerk.name) : ""}</div>`;
    if (lastCall && lastCall.window === C.window) document.getElementById("current").classList.add("flash");
  } else {
    const rows = recentCalls().slice(0, C.calls).map(c =>
      `<tr data-window="${c.window}" data-number="${esc(c.number)}" class="${c.current ? "current" : "done"}"><td class="num">${esc(c.number)}</td><td>${esc(c.w.name)}</td></tr>`).join("");
    const table = `<table id="calls"><thead><tr><th>号码</th><th>窗口</th></tr></thead><tbody>${rows}</tbody></table>`;
    if (C.layout === "tv") {
      const top = serving()[0];
      const latest = top ? `<div class="num" id="latest-number">${esc(top.serving.number)}</div><div class="line">${esc(fill(C.call, values(top, top.serving.number)))}</div>`
                         : `<div class="line">${esc(state.hall)} 欢迎您</div>`;
      main.innerHTML = `<section id="latest">${latest}</section><section>${table}</section>`;
    } else {
      main.innerHTML = table;
    }
    if (lastCall) {
      const row = document.querySelector(`#calls tr[data-window="${lastCall.window}"][data-number="${lastCall.number}"]`);
      if (row) row.classList.add("flash");
      const big = document.getElementById("latest-number");
      if (big) big.classList.add("flash");
    }
  }
  const notice = document.getElementById("notice");
  notice.hidden = !state.notice;
  notice.textContent = state.notice ? state.notice.text : "";
  // It ends at its time without an event: ask again then.
  clearTimeout(noticeTimer);
  if (state.notice && state.notice.until) noticeTimer = setTimeout(refresh, Math.max(1000, Date.parse(state.notice.until) - Date.now() + 500));
  document.getElementById("waiting").innerHTML = state.categories.map(c =>
    `<span>${esc(c.name)} 等候 <b class="num">${c.waiting}</b> 人</span>`).join("");
  fitRows();
}
// Whole rows only: a call row that would run under the notice or the waiting footer is left off, at any
// screen size (the rows are sized in vh, the footer wraps with the categories).
function fitRows() {
  const footer = document.getElementById("waiting"), notice = document.getElementById("notice");
  const limit = Math.min(footer.getBoundingClientRect().top, notice.hidden ? Infinity : notice.getBoundingClientRect().top);
  const rows = [...document.querySelectorAll("#calls tbody tr")];
  for (let i = rows.length - 1; i > 0 && rows[i].getBoundingClientRect().bottom > limit; i--) rows[i].remove();
}
window.addEventListener("resize", render);
async function refresh() {
  try {
    const r = await fetch("/api/state?token=" + encodeURIComponent(token), { cache: "no-store" });
    if (r.status === 401 || r.status === 403) { showRefused(); return; }
    if (!r.ok) throw new Error("HTTP " + r.status);
    state = await r.json();
    clockOffset = Date.parse(state.now) - Date.now();
    render();
    tick();
  } catch (e) { setStatus(false); setTimeout(refresh, 2000); }
}
function later() { clearTimeout(timer); timer = setTimeout(refresh, 150); }
// A refused token is not a network fault: say so, and stop retrying until the page is reopened.
let refused = false;
function showRefused() {
  refused = true;
  const s = document.getElementById("status");
  s.textContent = "显示令牌无效或已停用（不是网络故障）：请管理员在本屏幕的地址中换上新令牌（token=…）";
  s.className = "down";
  document.body.dataset.credential = "refused";
}
function setStatus(up) {
  if (refused) return;
  const s = document.getElementById("status");
  s.textContent = up ? "" : "连接中断，正在重连…";
  s.className = up ? "" : "down";
}
function connect() {
  const es = new EventSource("/api/events?token=" + encodeURIComponent(token));
  es.onopen = () => { setStatus(true); if (needRefresh) { needRefresh = false; refresh(); } };
  // EventSource reconnects by itself (resuming with Last-Event-ID); the state is fetched again on reopen.
  es.onerror = async () => {
    needRefresh = true;
    setStatus(false);
    // Asked of a plain request: a probe stream would stay open against a server that is stopping.
    try {
      const r = await fetch("/api/state?token=" + encodeURIComponent(token), { cache: "no-store" });
      if (r.status === 401 || r.status === 403) { es.close(); showRefused(); }
    } catch (e) {}
  };
  for (const kind of ["ticket_called", "ticket_recalled", "ticket_called_back"]) {
    es.addEventListener(kind, e => {
      const d = JSON.parse(e.data);
      lastCall = { window: d.window, number: d.number };
      remember(d.number, d.window, d.at);
      later();
    });
  }
  for (const kind of ["ticket_issued", "ticket_finished", "ticket_no_show", "ticket_transferred", "ticket_parked", "clerk_signed_in",
                      "clerk_signed_out", "window_paused", "window_resumed", "day_started", "ticket_moved", "notice_posted"]) {
    es.addEventListener(kind, later);
  }
}
// The hall's clock: its time zone (not the PC's), and the server's time (a PC clock may be off).
function hallClockText(zone, offsetMs, seconds) {
  const parts = {};
  try {
    for (const x of new Intl.DateTimeFormat("en-GB", { timeZone: zone || undefined, year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" }).formatToParts(new Date(Date.now() + offsetMs))) parts[x.type] = x.value;
  } catch (e) { return ""; }
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}` + (seconds ? `:${parts.second}` : "");
}
let clockOffset = 0;
function tick() {
  if (state) document.getElementById("clock").textContent = hallClockText(state.time_zone, clockOffset, true);
}
tick(); setInterval(tick, 1000);
refresh(); connect();

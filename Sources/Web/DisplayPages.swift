import Devices
import Foundation

/// The browser displays counterd serves: a window screen, a hall screen and a TV layout. One page, three
/// layouts; live from /api/events (server-sent events) with automatic reconnect and a full state refresh
/// after it. Everything is inline: halls run on intranets, nothing is loaded from elsewhere.
enum DisplayPages {
    enum Layout: String {
        case window, hall, tv
    }

    static func html(layout: Layout, window: Int?, templates: DisplayTemplates, calls: Int) -> String {
        struct Config: Encodable {
            var layout: String
            var window: Int?
            var calls: Int
            var call: String
            var idle: String
            var closed: String
        }
        let config = Config(layout: layout.rawValue, window: window, calls: calls, call: templates.call, idle: templates.idle,
                            closed: templates.closed)
        let json = (try? JSONEncoder().encode(config)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        // "</" must not close the script element early.
        let safe = json.replacingOccurrences(of: "</", with: "<\\/")
        return page.replacingOccurrences(of: "__CONFIG__", with: safe)
    }

    static let page = #"""
<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>叫号显示</title>
<style>
  :root { --bg: #0b1f3a; --fg: #fff; --accent: #ffd23f; --muted: #9fb3d1; --call: #ff5a36; }
  * { box-sizing: border-box; }
  html, body { margin: 0; height: 100%; background: var(--bg); color: var(--fg);
    font-family: "Noto Sans CJK SC", "WenQuanYi Zen Hei", "Microsoft YaHei", "PingFang SC", sans-serif; overflow: hidden; }
  .num { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-weight: 700; letter-spacing: .04em; }
  header { display: flex; justify-content: space-between; align-items: center; padding: 1.2vh 2vw; background: #08172c; font-size: min(3.2vh, 3.4vw); }
  #clock { font-variant-numeric: tabular-nums; color: var(--accent); }
  #status { font-size: 2.2vh; color: var(--muted); }
  #status.down { color: var(--call); }
  .flash { animation: flash 0.6s ease-in-out 6; }
  @keyframes flash { 50% { color: var(--call); background: #fff3; } }
  /* window screen: one huge number, readable from 5 m */
  .window main { display: flex; flex-direction: column; align-items: center; justify-content: center; height: 80vh; text-align: center; }
  .window #current { font-size: min(30vh, 22vw); line-height: 1; color: var(--accent); }
  .window #line { font-size: min(7vh, 6.5vw); margin-top: 3vh; }
  .window #clerk { font-size: 4.5vh; color: var(--muted); margin-top: 2vh; }
  /* hall screen and TV */
  table { border-collapse: collapse; width: 100%; }
  th, td { padding: 1vh 1.5vw; text-align: left; border-bottom: 1px solid #ffffff22; }
  th { color: var(--muted); font-weight: 400; font-size: 3vh; }
  .hall #calls td { font-size: 8vh; }
  .hall #calls td.num { color: var(--accent); }
  #calls tr.done td { opacity: .55; }
  .hall main, .tv main { padding: 1vh 2vw; }
  #waiting { display: flex; flex-wrap: wrap; gap: 1vh 3vw; font-size: 3.6vh; padding: 1vh 2vw; background: #08172c; position: fixed; bottom: 0; left: 0; right: 0; }
  #waiting b { color: var(--accent); }
  .tv main { display: grid; grid-template-columns: 1.1fr 1fr; gap: 2vw; height: 78vh; }
  .tv #latest { display: flex; flex-direction: column; justify-content: center; align-items: center; background: #ffffff0d; border-radius: 2vh; }
  .tv #latest .num { font-size: 22vh; color: var(--accent); }
  .tv #latest .line { font-size: 5vh; }
  .tv #calls td { font-size: 5vh; }
  .window #waiting { display: none; }
</style>
</head>
<body>
<header><span id="title">叫号显示</span><span id="status">连接中…</span><span id="clock" class="num"></span></header>
<main id="main"></main>
<footer id="waiting"></footer>
<script>
"use strict";
const C = __CONFIG__;
const token = new URLSearchParams(location.search).get("token") || "";
document.body.className = C.layout;
let state = null, lastCall = null, needRefresh = false, timer = null;
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
    const table = `<table id="calls"><thead><tr><th>号码 Number</th><th>窗口 Window</th></tr></thead><tbody>${rows}</tbody></table>`;
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
  document.getElementById("waiting").innerHTML = state.categories.map(c =>
    `<span>${esc(c.name)} 等候 <b class="num">${c.waiting}</b> 人</span>`).join("");
}
async function refresh() {
  try {
    const r = await fetch("/api/state?token=" + encodeURIComponent(token), { cache: "no-store" });
    if (!r.ok) throw new Error("HTTP " + r.status);
    state = await r.json();
    render();
  } catch (e) { setStatus(false); setTimeout(refresh, 2000); }
}
function later() { clearTimeout(timer); timer = setTimeout(refresh, 150); }
function setStatus(up) {
  const s = document.getElementById("status");
  s.textContent = up ? "" : "连接中断，正在重连…";
  s.className = up ? "" : "down";
}
function connect() {
  const es = new EventSource("/api/events?token=" + encodeURIComponent(token));
  es.onopen = () => { setStatus(true); if (needRefresh) { needRefresh = false; refresh(); } };
  // EventSource reconnects by itself (resuming with Last-Event-ID); the state is fetched again on reopen.
  es.onerror = () => { needRefresh = true; setStatus(false); };
  for (const kind of ["ticket_called", "ticket_recalled", "ticket_called_back"]) {
    es.addEventListener(kind, e => {
      const d = JSON.parse(e.data);
      lastCall = { window: d.window, number: d.number };
      remember(d.number, d.window, d.at);
      later();
    });
  }
  for (const kind of ["ticket_issued", "ticket_finished", "ticket_no_show", "ticket_transferred", "ticket_parked", "clerk_signed_in",
                      "clerk_signed_out", "window_paused", "window_resumed", "day_started"]) {
    es.addEventListener(kind, later);
  }
}
function tick() {
  const d = new Date(), p = n => String(n).padStart(2, "0");
  document.getElementById("clock").textContent = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
tick(); setInterval(tick, 1000);
refresh(); connect();
</script>
</body>
</html>
"""#
}

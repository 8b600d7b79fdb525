import Foundation
import Hummingbird
import NIOCore

/// The pages people use: the ticket kiosk, the clerk console, the window's tablet evaluator and the phone
/// rating page behind the ticket's QR code. Chinese first; everything inline (halls run on intranets).
/// Each page reads its token from ?token= (the phone page's token is in its path) and talks to the API.
func addPeoplePages(_ router: Router<BasicRequestContext>, _ deps: WebDependencies) {
    @Sendable func page(_ html: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }
    router.get("/kiosk") { _, _ in page(PeoplePages.kiosk) }
    router.get("/console/window/:window") { _, _ in page(PeoplePages.console) }
    router.get("/evaluator/window/:window") { _, _ in page(PeoplePages.evaluator) }
    router.get("/r/:token") { _, _ in page(PeoplePages.rate) }
}

enum PeoplePages {
    static let common = ##"""
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  * { box-sizing: border-box; }
  html, body { margin: 0; font-family: "Noto Sans CJK SC", "WenQuanYi Zen Hei", "Microsoft YaHei", "PingFang SC", sans-serif; }
  .num { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-weight: 700; }
  button { font: inherit; cursor: pointer; touch-action: manipulation; }
  button:disabled { opacity: .45; cursor: default; }
  .hidden { display: none !important; }
</style>
<script>
"use strict";
const token = new URLSearchParams(location.search).get("token") || "";
const esc = s => String(s ?? "").replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"})[c]);
async function api(method, path, body) {
  const headers = { "Accept": "application/json" };
  if (token) headers["Authorization"] = "Bearer " + token;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: "no-store" });
  let data = null;
  try { data = await r.json(); } catch (e) {}
  if (!r.ok) {
    const err = new Error((data && data.error && data.error.message_zh) || ("HTTP " + r.status));
    err.status = r.status; err.code = data && data.error && data.error.code;
    throw err;
  }
  return data;
}
function randomID() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, x => x.toString(16).padStart(2, "0")).join("");
}
</script>
"""##

    // MARK: Kiosk

    static let kiosk = ##"""
<!doctype html>
<html lang="zh-CN">
<head>
<title>自助取号</title>
__COMMON__
<style>
  body { background: #f3f6fb; color: #10233f; height: 100vh; overflow: hidden; display: flex; flex-direction: column; user-select: none; }
  header { background: #0b3a75; color: #fff; padding: 2.2vh 3vw; display: flex; justify-content: space-between; align-items: center; }
  header h1 { margin: 0; font-size: min(4.2vh, 4.4vw); }
  #clock { font-size: min(3.4vh, 3.4vw); }
  #hint { text-align: center; font-size: min(3.2vh, 3.6vw); margin: 2vh 0 1vh; }
  #banner { margin: 0 3vw; padding: 1.6vh 2vw; border-radius: 1vh; background: #ffe3e0; color: #a1160a; font-size: min(3vh, 3.4vw); text-align: center; }
  #grid { flex: 1; display: grid; gap: 2.4vmin; padding: 2vh 3vw; grid-template-columns: repeat(2, 1fr); align-content: start; overflow: auto; }
  @media (orientation: landscape) { #grid { grid-template-columns: repeat(3, 1fr); } }
  .cat { min-height: max(150px, 16vmin); border: 0; border-radius: 2vmin; background: #fff; box-shadow: 0 .4vmin 1.4vmin #0b3a7522;
    display: flex; flex-direction: column; justify-content: center; align-items: center; gap: 1vmin; padding: 2vmin; color: inherit; }
  .cat:active { background: #dbe8ff; }
  .cat .name { font-size: min(5vh, 4.6vw); font-weight: 700; }
  .cat .wait { font-size: min(2.8vh, 2.8vw); color: #3a5680; }
  .cat .wait b { color: #d35400; font-size: 1.25em; }
  footer { display: flex; justify-content: space-between; align-items: center; padding: 1.4vh 3vw; color: #5a6f8f; font-size: min(2.2vh, 2.6vw); }
  #staff { background: none; border: 1px solid #b5c3d8; border-radius: .8vh; padding: .8vh 2vw; color: #5a6f8f; }
  .overlay { position: fixed; inset: 0; background: #0b3a75f2; color: #fff; display: flex; flex-direction: column; align-items: center; justify-content: center; text-align: center; gap: 2.4vh; padding: 4vw; }
  #number { font-size: min(24vh, 26vw); line-height: 1; color: #ffd23f; }
  #ticketCategory { font-size: min(5vh, 6vw); }
  #ticketInfo, #ticketNote { font-size: min(3.4vh, 4vw); }
  #message { font-size: min(4.4vh, 5vw); max-width: 90vw; }
  #message.error { color: #ffb4a8; }
  #done { font-size: min(3.6vh, 4.4vw); padding: 2vh 6vw; border-radius: 1.4vh; border: 0; background: #ffd23f; color: #10233f; }
  #pinpad { display: grid; grid-template-columns: repeat(3, min(16vh, 22vw)); gap: 1.4vh; }
  #pinpad button { font-size: min(5vh, 6vw); padding: 1.6vh 0; border-radius: 1vh; border: 0; }
  #pin { font-size: min(5vh, 6vw); letter-spacing: .4em; min-height: 6vh; }
</style>
</head>
<body>
<header><h1 id="hall">自助取号</h1><span id="clock" class="num"></span></header>
<div id="hint">请选择办理的业务 · Please choose a service</div>
<div id="banner" class="hidden"></div>
<main id="grid"></main>
<footer><span id="status"></span><button id="staff" class="hidden">工作人员补打</button></footer>
<div id="busy" class="overlay hidden"><div id="message">正在出票，请稍候…</div></div>
<div id="result" class="overlay hidden">
  <div id="ticketCategory"></div>
  <div id="number" class="num"></div>
  <div id="ticketInfo"></div>
  <div id="ticketNote"></div>
  <button id="done">完成 OK</button>
</div>
<div id="failure" class="overlay hidden"><div id="failureText" class="error"></div><button id="failureDone">返回</button></div>
<div id="staffPad" class="overlay hidden">
  <div>请输入工作人员密码补打上一张号票</div>
  <div id="pin" class="num"></div>
  <div id="pinpad"></div>
  <div id="staffMessage"></div>
</div>
<script>
let view = null, busy = false, resultTimer = null;
function show(id) { for (const o of ["busy", "result", "failure", "staffPad"]) document.getElementById(o).classList.toggle("hidden", o !== id); }
function render() {
  if (!view) return;
  document.getElementById("hall").textContent = view.hall + " · 自助取号";
  const p = view.printer, down = p && !p.ready;
  const banner = document.getElementById("banner");
  banner.classList.toggle("hidden", !down);
  banner.textContent = down ? `打印机故障：${p.problem_zh || "未就绪"}，暂停取号，请联系工作人员` : "";
  document.getElementById("grid").innerHTML = view.categories.map(c => {
    const wait = c.estimated_wait_minutes === null || c.estimated_wait_minutes === undefined
      ? "暂无窗口办理" : `预计等候约 <b>${c.estimated_wait_minutes}</b> 分钟`;
    return `<button class="cat" data-code="${esc(c.code)}" ${down || busy ? "disabled" : ""}>
      <span class="name">${esc(c.name)}</span>
      <span class="wait">等候 <b class="num">${c.waiting}</b> 人</span>
      <span class="wait">${wait}</span></button>`;
  }).join("");
  document.getElementById("staff").classList.toggle("hidden", !view.reprint);
  document.getElementById("status").textContent = "";
}
async function refresh() {
  try { view = await api("GET", "/api/kiosk"); render(); }
  catch (e) { document.getElementById("status").textContent = "网络连接中断，正在重试… " + e.message; }
}
async function take(code) {
  if (busy) return;
  busy = true; render(); show("busy");
  const id = randomID();
  let t = null, error = null;
  // A lost answer is asked again with the same request id: the server gives the same ticket, never a second.
  for (let attempt = 0; attempt < 3 && !t; attempt++) {
    try { t = await api("POST", "/api/kiosk/tickets", { category: code, request_id: id }); error = null; }
    catch (e) { error = e; if (e.status) break; await new Promise(r => setTimeout(r, 800)); }
  }
  busy = false;
  if (t) {
    document.getElementById("ticketCategory").textContent = t.category_name;
    document.getElementById("number").textContent = t.number;
    const where = t.windows.length ? `请留意叫号，到 ${t.windows.join("、")} 号窗口办理` : "请留意叫号";
    document.getElementById("ticketInfo").textContent = `您前面还有 ${t.waiting_ahead} 人等候 · ${where}`;
    document.getElementById("ticketNote").textContent = t.printed ? "请取走号票" : "本机未打印号票，请记住您的号码";
    show("result");
    clearTimeout(resultTimer); resultTimer = setTimeout(close, 10000);
  } else {
    document.getElementById("failureText").textContent = error ? error.message : "出票失败";
    show("failure");
    clearTimeout(resultTimer); resultTimer = setTimeout(close, 10000);
  }
  refresh();
}
function close() { clearTimeout(resultTimer); show(null); render(); }
document.getElementById("grid").addEventListener("click", e => {
  const b = e.target.closest("button.cat");
  if (b && !b.disabled) take(b.dataset.code);
});
document.getElementById("done").onclick = close;
document.getElementById("failureDone").onclick = close;
let pin = "";
function pinRender() { document.getElementById("pin").textContent = "•".repeat(pin.length); }
document.getElementById("pinpad").innerHTML = ["1","2","3","4","5","6","7","8","9","取消","0","确定"].map(k => `<button data-k="${k}">${k}</button>`).join("");
document.getElementById("pinpad").addEventListener("click", async e => {
  const k = e.target.dataset.k;
  if (!k) return;
  if (k === "取消") { pin = ""; close(); return; }
  if (k !== "确定") { if (pin.length < 12) pin += k; pinRender(); return; }
  const m = document.getElementById("staffMessage");
  try { const t = await api("POST", "/api/kiosk/reprint", { pin }); m.textContent = `已补打 ${t.number}`; setTimeout(close, 2500); }
  catch (err) { m.textContent = err.message; }
  pin = ""; pinRender();
});
document.getElementById("staff").onclick = () => { pin = ""; pinRender(); document.getElementById("staffMessage").textContent = ""; show("staffPad"); };
function tick() {
  const d = new Date(), p = n => String(n).padStart(2, "0");
  document.getElementById("clock").textContent = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}
tick(); setInterval(tick, 5000);
refresh(); setInterval(() => { if (!busy) refresh(); }, 3000);
</script>
</body>
</html>
"""##.replacingOccurrences(of: "__COMMON__", with: common)

    // MARK: Phone rating (QR code)

    static let rate = ##"""
<!doctype html>
<html lang="zh-CN">
<head>
<title>服务评价</title>
__COMMON__
<style>
  body { background: #f3f6fb; color: #10233f; padding: 5vw; max-width: 560px; margin: 0 auto; }
  h1 { font-size: 1.4rem; margin: .4rem 0 1rem; }
  #ticket { background: #fff; border-radius: 12px; padding: 1rem; margin-bottom: 1rem; box-shadow: 0 2px 8px #0b3a7522; }
  #ticket .num { font-size: 2.4rem; color: #0b3a75; }
  #levels { display: flex; flex-direction: column; gap: .8rem; }
  #levels button { padding: 1.1rem; font-size: 1.3rem; border-radius: 12px; border: 0; background: #fff; box-shadow: 0 2px 8px #0b3a7522; }
  #levels button[data-level="5"], #levels button[data-level="4"] { background: #e5f6ea; }
  #levels button[data-level="2"], #levels button[data-level="1"] { background: #fdeaea; }
  #message { font-size: 1.2rem; margin-top: 1rem; }
</style>
</head>
<body>
<h1>政务服务“好差评”</h1>
<div id="ticket">正在读取…</div>
<div id="levels"></div>
<div id="message"></div>
<script>
const linkToken = decodeURIComponent(location.pathname.split("/").pop() || "");
const path = "/api/rate/" + encodeURIComponent(linkToken);
async function load() {
  let v;
  try { v = await api("GET", path); }
  catch (e) { document.getElementById("ticket").textContent = e.message; return; }
  document.getElementById("ticket").innerHTML = `<div class="num">${esc(v.number)}</div><div>${esc(v.category_name)}${v.window_name ? " · " + esc(v.window_name) : ""}</div>`;
  const m = document.getElementById("message");
  if (v.state === "awaiting") {
    document.getElementById("levels").innerHTML = v.levels.map(l => `<button data-level="${l.level}">${esc(l.name)}</button>`).join("");
    m.textContent = "请对本次服务作出评价";
  } else {
    document.getElementById("levels").innerHTML = "";
    m.textContent = { rated: "该号码已评价，感谢您的参与", expired: `评价期限已过（办结后 ${v.rating_hours} 小时内可评价）`,
                      not_served: "该号码尚未办结，办结后可评价" }[v.state] || v.state;
  }
}
document.getElementById("levels").addEventListener("click", async e => {
  const level = Number(e.target.dataset.level);
  if (!level) return;
  for (const b of document.querySelectorAll("#levels button")) b.disabled = true;
  const m = document.getElementById("message");
  try {
    const r = await api("POST", path, { level });
    document.getElementById("levels").innerHTML = "";
    m.textContent = `感谢您的评价：${r.level_name}`;
  } catch (err) {
    m.textContent = err.message;
    document.getElementById("levels").innerHTML = "";
  }
});
load();
</script>
</body>
</html>
"""##.replacingOccurrences(of: "__COMMON__", with: common)

    // MARK: Tablet evaluator at the window

    static let evaluator = ##"""
<!doctype html>
<html lang="zh-CN">
<head>
<title>服务评价器</title>
__COMMON__
<style>
  body { background: #0b3a75; color: #fff; height: 100vh; overflow: hidden; display: flex; flex-direction: column; align-items: center; justify-content: center; text-align: center; user-select: none; }
  #title { font-size: 4vh; margin-bottom: 2vh; }
  #who { font-size: 3vh; color: #c7d6ee; }
  #prompt { font-size: 4.4vh; margin: 3vh 0; }
  #levels { display: grid; grid-template-columns: repeat(5, 1fr); gap: 2vw; width: 92vw; }
  #levels button { min-height: 22vh; font-size: min(4.2vh, 3.2vw); border: 0; border-radius: 2vh; background: #fff; color: #10233f; }
  #levels button[data-level="5"], #levels button[data-level="4"] { background: #d9f2e1; }
  #levels button[data-level="2"], #levels button[data-level="1"] { background: #fbe1e1; }
  #thanks { font-size: 6vh; color: #ffd23f; }
</style>
</head>
<body>
<div id="title">服务评价</div>
<div id="who"></div>
<div id="prompt"></div>
<div id="levels" class="hidden"></div>
<div id="thanks" class="hidden">感谢您的评价！</div>
<script>
const win = Number(location.pathname.split("/").pop());
const names = { 5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意" };
document.getElementById("levels").innerHTML = [5, 4, 3, 2, 1].map(l => `<button data-level="${l}">${names[l]}</button>`).join("");
let thanksUntil = 0;
async function refresh() {
  let s;
  try { s = await api("GET", "/api/state"); } catch (e) { document.getElementById("prompt").textContent = "连接中断… " + e.message; return; }
  const w = s.windows.find(x => x.number === win);
  if (!w) { document.getElementById("prompt").textContent = "没有这个窗口"; return; }
  document.getElementById("title").textContent = `${s.hall} · ${w.name}`;
  document.getElementById("who").textContent = w.clerk ? `工作人员 ${w.clerk.name}` : "暂停服务";
  const awaiting = w.awaiting_rating;
  const thanks = Date.now() < thanksUntil;
  document.getElementById("thanks").classList.toggle("hidden", !thanks);
  document.getElementById("levels").classList.toggle("hidden", !awaiting || thanks);
  document.getElementById("prompt").textContent = thanks ? "" : awaiting ? `请对 ${awaiting.number} 号的本次服务作出评价`
    : w.serving ? `正在办理 ${w.serving.number}` : "欢迎您";
  for (const b of document.querySelectorAll("#levels button")) b.disabled = false;
}
document.getElementById("levels").addEventListener("click", async e => {
  const level = Number(e.target.dataset.level);
  if (!level) return;
  for (const b of document.querySelectorAll("#levels button")) b.disabled = true;
  try { await api("POST", `/api/windows/${win}/rating`, { level }); thanksUntil = Date.now() + 4000; setTimeout(refresh, 4100); }
  catch (err) { document.getElementById("prompt").textContent = err.message; }
  refresh();
});
const es = new EventSource("/api/events?token=" + encodeURIComponent(token));
es.onmessage = refresh;
for (const k of ["ticket_called", "ticket_finished", "ticket_rated", "rating_not_given", "clerk_signed_in", "clerk_signed_out", "ticket_called_back", "ticket_no_show", "ticket_transferred"]) es.addEventListener(k, refresh);
es.onopen = refresh;
refresh(); setInterval(refresh, 10000);
</script>
</body>
</html>
"""##.replacingOccurrences(of: "__COMMON__", with: common)

    // MARK: Clerk console

    static let console = ##"""
<!doctype html>
<html lang="zh-CN">
<head>
<title>窗口工作台</title>
__COMMON__
<style>
  body { background: #eef2f8; color: #10233f; font-size: 15px; }
  header { background: #0b3a75; color: #fff; padding: 10px 16px; display: flex; gap: 16px; align-items: center; }
  header h1 { font-size: 18px; margin: 0; flex: 1; }
  main { display: grid; grid-template-columns: 2fr 1fr; gap: 12px; padding: 12px; }
  section { background: #fff; border-radius: 8px; padding: 12px 14px; box-shadow: 0 1px 4px #0b3a7522; }
  h2 { font-size: 15px; margin: 0 0 8px; color: #3a5680; }
  #current .num { font-size: 56px; color: #0b3a75; }
  #actions { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 10px; }
  #actions button, #signin button, #transfer button { padding: 10px 14px; border-radius: 6px; border: 1px solid #9fb3d1; background: #f7faff; }
  #actions button.primary { background: #0b3a75; color: #fff; border-color: #0b3a75; }
  kbd { font-size: 11px; border: 1px solid #9fb3d1; border-radius: 3px; padding: 0 4px; margin-left: 4px; color: inherit; opacity: .8; }
  #message { min-height: 22px; margin-top: 8px; color: #a1160a; }
  #message.ok { color: #1b7a3a; }
  #alerts div { background: #ffe3e0; color: #a1160a; padding: 6px 10px; border-radius: 6px; margin-bottom: 6px; }
  table { border-collapse: collapse; width: 100%; }
  td, th { padding: 4px 6px; border-bottom: 1px solid #e3e9f2; text-align: left; }
  select { font: inherit; padding: 6px; }
  .bad { color: #a1160a; font-weight: 700; }
</style>
</head>
<body>
<header><h1 id="title">窗口工作台</h1><span id="clerk"></span><span id="phase"></span></header>
<main>
  <div>
    <section id="alerts" class="hidden"></section>
    <section id="signin" class="hidden">
      <h2>签到</h2>
      <select id="clerkSelect"></select> <button id="signinButton">签到</button>
    </section>
    <section id="current">
      <h2>当前办理</h2>
      <div id="ticket">—</div>
      <div id="actions">
        <button class="primary" data-act="call-next">叫号<kbd>N</kbd></button>
        <button data-act="recall">重呼<kbd>R</kbd></button>
        <button data-act="no-show">过号<kbd>X</kbd></button>
        <button data-act="finish" class="primary">办结<kbd>F</kbd></button>
        <select id="outcome"></select>
        <button data-act="park">挂起<kbd>H</kbd></button>
        <button data-act="call-back">回呼<kbd>B</kbd></button>
        <button data-act="pause">暂停<kbd>P</kbd></button>
        <button data-act="resume">恢复<kbd>P</kbd></button>
        <button data-act="sign-out">签退<kbd>O</kbd></button>
      </div>
      <div id="transfer" style="margin-top:10px">
        转移到 <select id="toCategory"><option value="">（业务不变）</option></select>
        <select id="toWindow"><option value="">（任一窗口）</option></select>
        <button data-act="transfer">转移<kbd>T</kbd></button>
      </div>
      <div id="message"></div>
    </section>
    <section>
      <h2>一次性告知材料</h2>
      <ol id="checklist"></ol>
    </section>
  </div>
  <div>
    <section><h2>本窗口等候</h2><table id="waiting"></table></section>
    <section style="margin-top:12px"><h2>今日评价 <span id="served"></span></h2><table id="ratings"></table></section>
  </div>
</main>
<script>
const win = Number(location.pathname.split("/").pop());
const outcomeNames = { immediate: "即办件", promised: "承诺件", joint: "联办件", reported: "上报件", replied: "答复件" };
let v = null, filled = false, timer = null;
function fmt(sec) { sec = Math.max(0, Math.round(sec)); return `${Math.floor(sec / 60)}分${String(sec % 60).padStart(2, "0")}秒`; }
function render() {
  if (!v) return;
  const w = v.window;
  document.getElementById("title").textContent = `${w.name} · 窗口工作台`;
  document.getElementById("clerk").textContent = w.clerk ? `工作人员：${w.clerk.name}` : "未签到";
  document.getElementById("phase").textContent = { closed: "未开窗", idle: "空闲", serving: "办理中", paused: "暂停", awaiting_rating: "等待评价" }[w.phase] || w.phase;
  if (!filled) {
    document.getElementById("clerkSelect").innerHTML = v.clerks.map(c => `<option value="${esc(c.id)}">${esc(c.name)}（${esc(c.id)}）</option>`).join("");
    document.getElementById("outcome").innerHTML = v.outcomes.map(o => `<option value="${o}">${outcomeNames[o] || o}</option>`).join("");
    document.getElementById("toCategory").innerHTML += v.categories.map(c => `<option value="${esc(c.code)}">${esc(c.name)}</option>`).join("");
    document.getElementById("toWindow").innerHTML += v.windows.map(n => `<option value="${n}">${n} 号窗口</option>`).join("");
    filled = true;
  }
  document.getElementById("signin").classList.toggle("hidden", !!w.clerk);
  const s = w.serving;
  document.getElementById("ticket").innerHTML = s
    ? `<span class="num" id="currentNumber">${esc(s.number)}</span> ${esc(v.category_name || s.category)} · 重呼 ${s.recalls} 次 · 已办理 <span id="elapsed" data-since="${esc(s.last_called_at)}"></span>`
    : (w.awaiting_rating ? `等待 ${esc(w.awaiting_rating.number)} 号评价…` : "—");
  document.getElementById("checklist").innerHTML = v.checklist.map(x => `<li>${esc(x)}</li>`).join("") || `<li style="list-style:none">（无）</li>`;
  document.getElementById("waiting").innerHTML = v.waiting.map(c => `<tr><td>${esc(c.name)}</td><td class="num">${c.waiting} 人</td></tr>`).join("")
    + `<tr><td>可叫号</td><td class="num" id="candidates">${v.candidates} 人</td></tr>`;
  document.getElementById("served").textContent = `（已办结 ${v.served_today} 件）`;
  document.getElementById("ratings").innerHTML = v.ratings_today.map(r =>
    `<tr><td class="num">${esc(r.number)}</td><td class="${r.level <= 2 ? "bad" : ""}">${esc(r.level_name)}</td><td>${new Date(r.at).toLocaleTimeString("zh-CN")}</td></tr>`).join("")
    || "<tr><td>暂无评价</td></tr>";
  tickElapsed();
}
function tickElapsed() {
  const e = document.getElementById("elapsed");
  if (e) e.textContent = fmt((Date.now() - Date.parse(e.dataset.since)) / 1000);
}
async function refresh() {
  try { v = await api("GET", `/api/windows/${win}/console`); render(); }
  catch (e) { say(e.message); }
}
function later() { clearTimeout(timer); timer = setTimeout(refresh, 100); }
function say(text, ok) { const m = document.getElementById("message"); m.textContent = text; m.className = ok ? "ok" : ""; }
async function act(name) {
  let body;
  if (name === "finish") body = { outcome: document.getElementById("outcome").value };
  if (name === "transfer") {
    const c = document.getElementById("toCategory").value, t = document.getElementById("toWindow").value;
    body = {};
    if (c) body.category = c;
    if (t) body.window = Number(t);
  }
  if (name === "sign-in") body = { clerk: document.getElementById("clerkSelect").value };
  try {
    const r = await api("POST", `/api/windows/${win}/${name}`, body);
    const called = r.events.find(e => e.kind === "ticket_called" || e.kind === "ticket_called_back");
    say(called ? `已叫号 ${called.number}` : "完成", true);
  } catch (e) { say(e.message); }
  refresh();
}
document.getElementById("actions").addEventListener("click", e => { const b = e.target.closest("button"); if (b) act(b.dataset.act); });
document.querySelector("#transfer button").onclick = () => act("transfer");
document.getElementById("signinButton").onclick = () => act("sign-in");
const keys = { n: "call-next", r: "recall", x: "no-show", f: "finish", h: "park", b: "call-back", t: "transfer", o: "sign-out" };
document.addEventListener("keydown", e => {
  if (e.target.tagName === "SELECT" || e.target.tagName === "INPUT" || e.ctrlKey || e.altKey || e.metaKey) return;
  const k = e.key.toLowerCase();
  if (k === "p") { e.preventDefault(); act(v && v.window.paused ? "resume" : "pause"); return; }
  if (keys[k]) { e.preventDefault(); act(keys[k]); }
});
function alert(text) {
  const a = document.getElementById("alerts");
  a.classList.remove("hidden");
  a.insertAdjacentHTML("afterbegin", `<div>${esc(text)}</div>`);
  while (a.children.length > 3) a.lastChild.remove();
}
const es = new EventSource("/api/events?token=" + encodeURIComponent(token));
es.onopen = refresh;
for (const k of ["ticket_issued", "ticket_called", "ticket_recalled", "ticket_no_show", "ticket_transferred", "ticket_finished", "ticket_parked",
                 "ticket_called_back", "ticket_rated", "rating_not_given", "clerk_signed_in", "clerk_signed_out", "window_paused", "window_resumed", "day_started"]) {
  es.addEventListener(k, later);
}
es.addEventListener("ticket_voided", e => {
  const d = JSON.parse(e.data);
  alert(`取号机出票失败（${d.number}，${d.reason}）：请检查打印机`);
});
es.addEventListener("device_lost", e => {
  const d = JSON.parse(e.data);
  if (d.window === win || d.device_role === "printer") alert(`设备断开：${d.device}`);
});
setInterval(tickElapsed, 1000);
refresh();
</script>
</body>
</html>
"""##.replacingOccurrences(of: "__COMMON__", with: common)
}

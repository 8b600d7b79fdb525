// The console page's script (served as /assets/console.js: the pages carry no inline script, so the
// Content-Security-Policy can forbid it).
const win = Number(location.pathname.split("/").pop());
const outcomeNames = { immediate: "即办件", promised: "承诺件", joint: "联办件", reported: "上报件", replied: "答复件" };
let v = null, filled = false, timer = null;
function fmt(sec) { sec = Math.max(0, Math.round(sec)); return `${Math.floor(sec / 60)}分${String(sec % 60).padStart(2, "0")}秒`; }
function render() {
  if (!v) return;
  const w = v.window;
  // A refusal because the citizen had not rated yet goes once the rating (or its timeout) ends the wait.
  const m = document.getElementById("message");
  if (m.dataset.awaiting && w.phase !== "awaiting_rating") { m.textContent = ""; delete m.dataset.awaiting; }
  document.getElementById("title").textContent = `${w.name} · 窗口工作台`;
  document.getElementById("clerk").textContent = w.clerk ? `工作人员：${w.clerk.name}` : "未签到";
  document.getElementById("phase").textContent = { closed: "未开窗", idle: "空闲", serving: "办理中", paused: "暂停", awaiting_rating: "等待评价" }[w.phase] || w.phase;
  if (!filled) {
    // Nobody is pre-selected: the clerk picks their own name and types their own PIN.
    document.getElementById("clerkSelect").innerHTML = `<option value="" selected>（请选择本人）</option>`
      + v.clerks.map(c => `<option value="${esc(c.id)}">${esc(c.name)}（${esc(c.id)}）</option>`).join("");
    // No outcome is chosen for the clerk: 即办率 is only honest if each service's class is picked.
    document.getElementById("outcome").innerHTML = `<option value="" selected>（请选择办件类型）</option>`
      + v.outcomes.map(o => `<option value="${o}">${outcomeNames[o] || o}</option>`).join("");
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
  // Each list's buttons follow the engine like the others: enabled when it would accept that action now.
  const can = a => v.allowed.includes(a), why = a => esc(v.refused[a] || "");
  const mins = t => Math.max(0, Math.round((Date.now() - Date.parse(t)) / 60000));
  const row = (x, act, label) => `<tr data-ticket="${esc(x.ticket)}"><td class="num">${esc(x.number)}</td><td>${esc(x.category_name)}${x.priority ? "（优先）" : ""}</td>`
    + `<td>${mins(x.issued_at)} 分钟</td><td><button data-pick="${act}" ${can(act) ? "" : `disabled title="${why(act)}"`}>${label}</button></td></tr>`;
  document.getElementById("queue").innerHTML = v.queue.map(x => row(x, "call-ticket", "叫此号")).join("") || "<tr><td>无</td></tr>";
  document.getElementById("parkedList").innerHTML = v.parked.map(x => row(x, "call-back", "叫回")).join("") || "<tr><td>无</td></tr>";
  document.getElementById("noShows").innerHTML = v.no_shows.map(x => row(x, "requeue", "恢复排队")).join("") || "<tr><td>无</td></tr>";
  document.getElementById("served").textContent = `（已办结 ${v.served_today} 件）`;
  document.getElementById("ratings").innerHTML = v.ratings_today.map(r =>
    `<tr><td class="num">${esc(r.number)}</td><td class="${r.level <= 2 ? "bad" : ""}">${esc(r.level_name)}</td><td>${new Date(r.at).toLocaleTimeString("zh-CN", { timeZone: v.time_zone || "Asia/Shanghai", hour12: false })}</td></tr>`).join("")
    || "<tr><td>暂无评价</td></tr>";
  // Only what the engine would accept now is enabled; a disabled button says why.
  for (const b of document.querySelectorAll("#actions button[data-act], #transfer button[data-act]")) {
    const ok = v.allowed.includes(b.dataset.act);
    b.disabled = !ok;
    b.title = ok ? "" : (v.refused[b.dataset.act] || "");
  }
  document.querySelector('[data-act="pause"]').classList.toggle("hidden", w.phase === "paused");
  document.querySelector('[data-act="resume"]').classList.toggle("hidden", w.phase !== "paused");
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
function say(text, ok, awaiting) {
  const m = document.getElementById("message");
  m.textContent = text; m.className = ok ? "ok" : "";
  if (awaiting) m.dataset.awaiting = "1"; else delete m.dataset.awaiting;
}
// What an action did, naming the ticket and where it went, from the events it stored.
function done(name, events) {
  const e = kind => events.find(x => x.kind === kind);
  const called = e("ticket_called") || e("ticket_called_back");
  if (called) return `已叫号 ${called.number}`;
  const recalled = e("ticket_recalled");
  if (recalled) return `已重呼 ${recalled.number}（第 ${recalled.recalls ?? "?"} 次）`;
  const moved = e("ticket_transferred");
  if (moved) {
    const cat = (v && v.categories.find(c => c.code === moved.to_category)) || null;
    return `${moved.number} 已转到${cat ? "“" + cat.name + "”" : "原业务"}排队` + (moved.to_window ? `，指定 ${moved.to_window} 号窗口` : "，任一窗口可叫");
  }
  const parked = e("ticket_parked");
  if (parked) return `${parked.number} 已挂起，可在“挂起的号”中叫回`;
  const noShow = e("ticket_no_show");
  if (noShow) return `${noShow.number} 已过号`;
  const finished = e("ticket_finished");
  if (finished) return `${finished.number} 已办结（${outcomeNames[finished.outcome] || ""}），请群众评价`;
  const requeued = e("ticket_requeued");
  if (requeued) return `${requeued.number} 已恢复排队`;
  return "完成";
}
// Sign-out and no-show change what a citizen or the clerk's record gets: the first press asks, a second
// press (or Enter) within 5 s does it, Esc cancels.
const confirming = { "sign-out": "再按一次“签退”（或 Enter）确认签退；Esc 取消", "no-show": "再按一次“过号”（或 Enter）确认该号过号；Esc 取消" };
let armed = null, armedTimer = null;
function disarm() { armed = null; clearTimeout(armedTimer); document.body.dataset.confirm = ""; }
async function act(name) {
  if (v && !v.allowed.includes(name) && name !== "sign-in") {
    // Refused while the citizen has not rated: the message goes by itself once the rating ends the wait.
    say(v.refused[name] || "现在不能执行这个操作", false, v.window.phase === "awaiting_rating");
    return;
  }
  if (confirming[name] && armed !== name) {
    armed = name;
    document.body.dataset.confirm = name;
    say(confirming[name]);
    clearTimeout(armedTimer);
    armedTimer = setTimeout(() => { if (armed === name) { disarm(); say(""); } }, 5000);
    return;
  }
  disarm();
  let body;
  if (name === "finish") {
    const outcome = document.getElementById("outcome");
    if (!outcome.value) {
      say("请先选择办件类型（即办件、承诺件、联办件、上报件或答复件），再按办结。");
      outcome.focus();
      return;
    }
    body = { outcome: outcome.value };
    const projectNo = document.getElementById("project-no").value.trim();
    if (projectNo) body.project_no = projectNo;
  }
  if (name === "transfer") {
    const c = document.getElementById("toCategory").value, t = document.getElementById("toWindow").value;
    body = {};
    if (c) body.category = c;
    if (t) body.window = Number(t);
  }
  if (name === "sign-in") {
    const clerk = document.getElementById("clerkSelect").value, pin = document.getElementById("pin");
    if (!clerk) { say("请先选择您的姓名，再输入 PIN 签到。"); return; }
    body = { clerk };
    if (pin.value) body.pin = pin.value;
    pin.value = "";
  }
  try {
    const r = await api("POST", `/api/windows/${win}/${name}`, body);
    say(done(name, r.events || []), true);
    if (name === "finish") { document.getElementById("outcome").value = ""; document.getElementById("project-no").value = ""; }
  } catch (e) { say(e.message, false, e.code === "awaiting_rating"); }
  refresh();
}
document.getElementById("actions").addEventListener("click", e => { const b = e.target.closest("button"); if (b) act(b.dataset.act); });
// 指定叫号, choosing which parked ticket to call back, 恢复过号: the same calls with the ticket named.
async function pick(name, ticket) {
  try {
    const r = await api("POST", `/api/windows/${win}/${name}`, { ticket });
    say(done(name, r.events || []), true);
  } catch (e) { say(e.message, false, e.code === "awaiting_rating"); }
  refresh();
}
document.body.addEventListener("click", e => {
  const b = e.target.closest("button[data-pick]");
  if (b && !b.disabled) pick(b.dataset.pick, b.closest("tr").dataset.ticket);
});
document.querySelector("#transfer button").onclick = () => act("transfer");
document.getElementById("signinButton").onclick = () => act("sign-in");
const keys = { n: "call-next", r: "recall", x: "no-show", f: "finish", h: "park", b: "call-back", t: "transfer", o: "sign-out" };
// After 「请先选择办件类型」 the outcome list has the focus: once a class is chosen the keys work again (F finishes).
document.getElementById("outcome").addEventListener("change", e => { if (e.target.value) e.target.blur(); });
document.addEventListener("keydown", e => {
  if (e.target.id === "outcome" && e.key.toLowerCase() === "f" && e.target.value) { e.preventDefault(); e.target.blur(); act("finish"); return; }
  if (e.target.tagName === "SELECT" || e.target.tagName === "INPUT" || e.ctrlKey || e.altKey || e.metaKey) return;
  const k = e.key.toLowerCase();
  if (e.key === "Escape" && armed) { e.preventDefault(); disarm(); say("已取消"); return; }
  if (e.key === "Enter" && armed) { e.preventDefault(); act(armed); return; }
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
                 "ticket_called_back", "ticket_rated", "rating_not_given", "clerk_signed_in", "clerk_signed_out", "window_paused", "window_resumed", "day_started",
                 "ticket_moved", "ticket_requeued"]) {
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

// The kiosk page's script (served as /assets/kiosk.js: the pages carry no inline script, so the
// Content-Security-Policy can forbid it).
const overlays = ["busy", "guide", "reasonPanel", "codePanel", "phonePanel", "result", "failure", "staffPad"];
let view = null, busy = false, overlayTimer = null, lastCheckIn = null, idleTimer = null;
// The citizen's choices on the way to a ticket: a 绿色通道 reason, the category whose guide is open.
let priorityReason = null, chosen = null;
function show(id) {
  for (const o of overlays) document.getElementById(o).classList.toggle("hidden", o !== id);
  clearTimeout(overlayTimer);
  // A screen left open goes back to the start, for the next citizen.
  if (id && id !== "busy") overlayTimer = setTimeout(close, id === "result" || id === "failure" ? 12000 : 60000);
}
function minutesText(m) {
  if (m === null || m === undefined) return "暂无窗口办理";
  return m === 0 ? "预计即将叫号" : `预计等候约 <b>${m}</b> 分钟`;
}
// The categories a screenful at a time when they do not all fit (大字模式, a portrait screen, many categories):
// 更多业务 shows the next screenful, so every category is reachable without a scroll gesture.
let catPage = 0;
function paginate() {
  const grid = document.getElementById("grid"), more = document.getElementById("moreButton");
  const tiles = [...grid.querySelectorAll("button.cat")];
  for (const t of tiles) t.classList.remove("hidden");
  more.classList.add("hidden");
  // The grid's content box: its bottom padding is not room for a tile.
  const limit = () => grid.getBoundingClientRect().bottom - parseFloat(getComputedStyle(grid).paddingBottom);
  const fitting = () => tiles.filter(t => t.getBoundingClientRect().bottom <= limit() + 1).length;
  if (fitting() === tiles.length || tiles.length < 2) { catPage = 0; return; }
  more.classList.remove("hidden");  // takes its room in the action row before the grid is measured again
  const perPage = Math.max(1, fitting());
  const pages = Math.ceil(tiles.length / perPage);
  if (pages < 2) { more.classList.add("hidden"); catPage = 0; return; }
  catPage = catPage % pages;
  tiles.forEach((t, i) => t.classList.toggle("hidden", Math.floor(i / perPage) !== catPage));
  more.textContent = `更多业务（${catPage + 1}/${pages}）`;
}
document.getElementById("moreButton").onclick = () => { catPage += 1; paginate(); };
window.addEventListener("resize", () => { catPage = 0; paginate(); });
function render() {
  if (!view) return;
  document.getElementById("hall").textContent = view.hall + " · 自助取号";
  const p = view.printer, down = p && !p.ready;
  const banner = document.getElementById("banner");
  banner.classList.toggle("hidden", !down);
  banner.textContent = down ? `打印机故障：${p.problem_zh || "未就绪"}，暂停取号，请联系工作人员` : "";
  document.getElementById("grid").innerHTML = view.categories.map(c => `<button class="cat" data-code="${esc(c.code)}" ${down || busy ? "disabled" : ""}>
      <span class="name">${esc(c.name)}</span>
      <span class="wait">等候 <b class="num">${c.waiting}</b> 人</span>
      <span class="wait">${minutesText(c.estimated_wait_minutes)}</span></button>`).join("");
  paginate();
  document.getElementById("priorityButton").classList.toggle("hidden", !view.priority_reasons.length);
  document.getElementById("appointmentButton").classList.toggle("hidden", !view.appointments);
  document.getElementById("staff").classList.toggle("hidden", !view.reprint);
  document.getElementById("mode").classList.toggle("hidden", !priorityReason);
  document.getElementById("modeText").textContent = priorityReason ? `绿色通道（${priorityReason}）：请选择办理的业务` : "";
  document.getElementById("status").textContent = "";
}
async function refresh() {
  try {
    view = await api("GET", "/api/kiosk"); clockOffset = Date.parse(view.now) - Date.now(); render(); tick();
    const c = view.check_in;
    // A scan at the counter's scanner: shown once, if it is recent.
    if (c && lastCheckIn !== null && c.id !== lastCheckIn && !busy && Date.parse(view.now) - Date.parse(c.at) < 20000) showCheckIn(c);
    lastCheckIn = c ? c.id : 0;
  } catch (e) {
    const refused = e.status === 401 || e.status === 403;
    document.getElementById("status").textContent = refused
      ? "取号机令牌无效或已停用（不是网络故障）：请工作人员向管理员索取新的取号机地址（token=…）"
      : "网络连接中断，正在重试… " + e.message;
    if (refused) document.body.dataset.credential = "refused";
  }
}
function showCheckIn(c) { if (c.ticket) showTicket(c.ticket); else fail(c.message_zh); }
function showTicket(t) {
  document.getElementById("ticketCategory").textContent = t.category_name;
  document.getElementById("ticketReason").textContent = t.priority_reason === "预约" ? "预约取号 · 优先办理"
    : t.priority_reason ? `绿色通道（${t.priority_reason}）· 优先办理` : "";
  document.getElementById("number").textContent = t.number;
  const where = t.windows.length ? `请留意叫号，到 ${t.windows.join("、")} 号窗口办理` : "请留意叫号";
  document.getElementById("ticketInfo").textContent = `您前面还有 ${t.waiting_ahead} 人等候 · ${where}`;
  document.getElementById("ticketWait").innerHTML = minutesText(t.estimated_wait_minutes);
  document.getElementById("ticketNote").textContent = t.printed ? "请取走号票" : "本机未打印号票，请记住您的号码";
  show("result");
}
function fail(message) { document.getElementById("failureText").textContent = message; show("failure"); }
// A lost answer is asked again with the same request id: the server gives the same ticket, never a second.
async function post(path, body) {
  busy = true; render(); show("busy");
  const id = randomID();
  let t = null, error = null;
  for (let attempt = 0; attempt < 3 && !t; attempt++) {
    try { t = await api("POST", path, { ...body, request_id: id }); error = null; }
    catch (e) { error = e; if (e.status) break; await new Promise(r => setTimeout(r, 800)); }
  }
  busy = false;
  if (t) showTicket(t); else fail(error ? error.message : "出票失败");
  priorityReason = null;
  refresh();
}
function take(phone) {
  const body = { category: chosen.code };
  if (priorityReason) body.priority_reason = priorityReason;
  if (phone) body.phone = phone;
  post("/api/kiosk/tickets", body);
}
async function openGuide(code) {
  chosen = view.categories.find(c => c.code === code);
  if (!chosen) return;
  document.getElementById("guideTitle").textContent = (priorityReason ? "绿色通道 · " : "") + chosen.name;
  document.getElementById("guideWait").innerHTML = `等候 ${chosen.waiting} 人 · ${minutesText(chosen.estimated_wait_minutes)}`;
  document.getElementById("guideMessage").textContent = "";
  const box = document.getElementById("guideBody");
  box.innerHTML = "";
  document.getElementById("guidePrint").classList.toggle("hidden", !(chosen.guide && view.printer));
  document.getElementById("guideRemind").classList.toggle("hidden", view.reminder_ahead === null || view.reminder_ahead === undefined);
  show("guide");
  if (!chosen.guide) { box.innerHTML = "<h3>办事须知</h3><p>请携带本人有效身份证件；所需材料以窗口工作人员一次性告知为准。</p>"; return; }
  try {
    const g = await api("GET", "/api/guides/" + encodeURIComponent(code));
    const part = (title, items) => items && items.length ? `<h3>${title}</h3><ol>${items.map(i => `<li>${esc(i)}</li>`).join("")}</ol>` : "";
    const one = (title, v) => v ? `<h3>${title}</h3><div>${esc(v)}</div>` : "";
    box.innerHTML = part("所需材料（一次性告知）", g.materials) + one("承诺时限", g.time_limit) + one("收费标准", g.fees)
      + one("办理地点", g.location) + part("设定依据", g.legal_basis) + part("温馨提示", g.notes)
      + one("监督投诉", `政务服务便民热线 ${g.complaint_phone}`);
  } catch (e) { box.textContent = "办事指南暂时无法显示：" + e.message; }
}
function close() { clearTimeout(overlayTimer); show(null); chosen = null; render(); }
document.getElementById("grid").addEventListener("click", e => {
  const b = e.target.closest("button.cat");
  if (b && !b.disabled) openGuide(b.dataset.code);
});
document.getElementById("guideTake").onclick = () => take(null);
document.getElementById("guideBack").onclick = close;
document.getElementById("guidePrint").onclick = async () => {
  const m = document.getElementById("guideMessage");
  m.textContent = "正在打印办事指南…";
  try { await api("POST", `/api/kiosk/guides/${encodeURIComponent(chosen.code)}/print`); m.textContent = "已打印，请取走办事指南"; }
  catch (e) { m.textContent = e.message; }
};
document.getElementById("priorityButton").onclick = () => {
  document.getElementById("reasons").innerHTML = view.priority_reasons.map(r => `<button data-r="${esc(r)}">${esc(r)}</button>`).join("");
  show("reasonPanel");
};
document.getElementById("reasons").addEventListener("click", e => {
  const r = e.target.dataset.r;
  if (!r) return;
  priorityReason = r; close();
});
document.getElementById("reasonBack").onclick = close;
document.getElementById("modeCancel").onclick = () => { priorityReason = null; render(); };
document.getElementById("largeButton").onclick = () => setLarge(!document.body.classList.contains("large"));
function setLarge(on) {
  document.body.classList.toggle("large", on);
  document.getElementById("largeButton").textContent = on ? "标准模式" : "大字模式";
  catPage = 0; paginate();
}
// Keypads: the appointment code, the mobile number and the staff PIN.
function pad(id, keys, onKey) {
  document.getElementById(id).innerHTML = keys.map(k => `<button data-k="${k}">${k}</button>`).join("");
  document.getElementById(id).addEventListener("click", e => { if (e.target.dataset.k) onKey(e.target.dataset.k); });
}
let code = "", phone = "", pin = "";
pad("codePad", ["1","2","3","4","5","6","7","8","9","删除","0","确定"], k => {
  if (k === "删除") code = code.slice(0, -1);
  else if (k === "确定") { if (code.length >= 4) { const c = code; code = ""; post("/api/kiosk/appointments/check-in", { code: c }); return; }
    document.getElementById("codeMessage").textContent = "请输入完整的预约码"; }
  else if (code.length < 20) code += k;
  document.getElementById("code").textContent = code;
});
document.getElementById("appointmentButton").onclick = () => {
  code = ""; document.getElementById("code").textContent = ""; document.getElementById("codeMessage").textContent = ""; show("codePanel");
};
document.getElementById("codeBack").onclick = close;
pad("phonePad", ["1","2","3","4","5","6","7","8","9","删除","0","确定"], k => {
  if (k === "删除") phone = phone.slice(0, -1);
  else if (k === "确定") { if (/^1\d{10}$/.test(phone)) { const p = phone; phone = ""; take(p); return; }
    document.getElementById("phoneMessage").textContent = "请输入 11 位手机号码"; }
  else if (phone.length < 11) phone += k;
  document.getElementById("phone").textContent = phone.replace(/^(\d{3})(\d{0,4})(\d{0,4}).*/, (m, a, b, c) => [a, b, c].filter(Boolean).join(" "));
});
document.getElementById("guideRemind").onclick = () => {
  phone = ""; document.getElementById("phone").textContent = ""; document.getElementById("phoneMessage").textContent = "";
  document.getElementById("phonePurpose").textContent =
    `号码仅用于在您前面还剩 ${view.reminder_ahead} 人时发送一条叫号提醒短信，加密保存，当天营业结束即删除，不作他用。`;
  show("phonePanel");
};
document.getElementById("phoneBack").onclick = () => take(null);
document.getElementById("done").onclick = close;
document.getElementById("failureDone").onclick = close;
function pinRender() { document.getElementById("pin").textContent = "•".repeat(pin.length); }
pad("pinpad", ["1","2","3","4","5","6","7","8","9","取消","0","确定"], async k => {
  if (k === "取消") { pin = ""; close(); return; }
  if (k !== "确定") { if (pin.length < 12) pin += k; pinRender(); return; }
  const m = document.getElementById("staffMessage");
  try { const t = await api("POST", "/api/kiosk/reprint", { pin }); m.textContent = `已补打 ${t.number}`; setTimeout(close, 2500); }
  catch (err) { m.textContent = err.message; }
  pin = ""; pinRender();
});
document.getElementById("staff").onclick = () => { pin = ""; pinRender(); document.getElementById("staffMessage").textContent = ""; show("staffPad"); };
// The large mode and a half-chosen 绿色通道 end when nobody touches the kiosk for two minutes.
document.addEventListener("pointerdown", () => {
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => { setLarge(false); priorityReason = null; render(); }, 120000);
});
let clockOffset = 0;
function tick() {
  if (view) document.getElementById("clock").textContent = hallClockText(view.time_zone, clockOffset, false);
}
tick(); setInterval(tick, 5000);
refresh(); setInterval(() => { if (!busy) refresh(); }, 1500);

// Shared by the kiosk, console, evaluator and rating pages: the token, escaping and the API call.
"use strict";
const token = new URLSearchParams(location.search).get("token") || "";
const esc = s => String(s ?? "").replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"})[c]);
// A signed-in person's session (no token in the address): its CSRF value goes with every write.
let csrf = "";
async function api(method, path, body) {
  const headers = { "Accept": "application/json" };
  if (token) headers["Authorization"] = "Bearer " + token;
  else if (csrf && method !== "GET") headers["X-CSRF-Token"] = csrf;
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
// The signed-in account, or null (then the page sends the person to /login and back).
async function session() {
  try { const s = await api("GET", "/api/session"); csrf = s.csrf; return s; } catch (e) { if (e.status === 401) return null; throw e; }
}
function toLogin() { location.href = "/login?next=" + encodeURIComponent(location.pathname + location.search); }
async function logout() {
  try { await api("POST", "/api/logout"); } catch (e) {}
  location.href = "/login";
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
function randomID() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, x => x.toString(16).padStart(2, "0")).join("");
}

// 好差评 after the level: that level's reasons (评价指标, several may be chosen), an optional comment, and for
// a 差评 an optional phone number for the callback. `submit(body)` posts it; `back()` returns to the levels.
let indicatorList = null;
async function reasonPanel(el, level, levelName, submit, back, backLabel = "重新选择") {
  if (!indicatorList) indicatorList = await api("GET", "/api/indicators");
  const bad = level <= 2, needed = bad && indicatorList.reason_required_for_bad;
  const items = indicatorList.indicators.filter(i => i.level === level);
  el.innerHTML = `<div class="rp-title">您选择了“${esc(levelName)}”，请选择原因${needed ? "（至少选一项）" : "（可多选，也可不选）"}</div>
    <div class="rp-reasons">${items.map(i => `<button type="button" data-code="${esc(i.code)}">${esc(i.text)}</button>`).join("")}</div>
    <textarea class="rp-comment" maxlength="200" rows="2" placeholder="其他意见（可不填，200 字以内）"></textarea>
    ${bad ? `<input class="rp-phone" type="tel" inputmode="tel" maxlength="13" placeholder="联系电话（可不填）">
             <div class="rp-note">留下电话，工作人员会回访您并告知整改结果；电话只用于这次回访。</div>` : ""}
    <div class="rp-actions"><button type="button" class="rp-back">${esc(backLabel)}</button><button type="button" class="rp-submit">提交评价</button></div>
    <div class="rp-error"></div>`;
  el.classList.remove("hidden");
  el.querySelector(".rp-reasons").onclick = e => { const b = e.target.closest("button"); if (b) b.classList.toggle("on"); };
  el.querySelector(".rp-back").onclick = back;
  el.querySelector(".rp-submit").onclick = async () => {
    const reasons = [...el.querySelectorAll(".rp-reasons button.on")].map(b => b.dataset.code);
    const error = el.querySelector(".rp-error");
    if (needed && !reasons.length) { error.textContent = "请至少选择一项原因，以便我们改进。"; return; }
    const body = { level, reasons };
    const comment = el.querySelector(".rp-comment").value.trim();
    if (comment) body.comment = comment;
    const phone = el.querySelector(".rp-phone");
    if (phone && phone.value.trim()) body.phone = phone.value.trim();
    el.querySelector(".rp-submit").disabled = true;
    try { await submit(body); } catch (err) { error.textContent = err.message; el.querySelector(".rp-submit").disabled = false; }
  };
}

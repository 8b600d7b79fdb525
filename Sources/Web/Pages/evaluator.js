// The evaluator page's script (served as /assets/evaluator.js: the pages carry no inline script, so the
// Content-Security-Policy can forbid it).
const win = Number(location.pathname.split("/").pop());
const names = { 5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意" };
document.getElementById("levels").innerHTML = [5, 4, 3, 2, 1].map(l => `<button data-level="${l}">${names[l]}</button>`).join("");
let thanksUntil = 0;
// The level tapped, for the ticket awaited then: its reasons panel stays until sent, or the wait ends.
let chosen = null;
let awaitedNumber = null;
// A keypad rating whose reasons the citizen declined here ("重新选择" on that panel): not asked again.
let skippedReasons = null;
let reasonsTimer = null;
async function refresh() {
  let s;
  try { s = await api("GET", "/api/state"); } catch (e) { document.getElementById("prompt").textContent = "连接中断… " + e.message; return; }
  const w = s.windows.find(x => x.number === win);
  if (!w) { document.getElementById("prompt").textContent = "没有这个窗口"; return; }
  document.getElementById("title").textContent = `${s.hall} · ${w.name}`;
  document.getElementById("who").innerHTML = w.clerk
    ? `${w.clerk.photo_url ? `<img src="${esc(w.clerk.photo_url)}" alt="">` : ""}<span>工作人员 ${esc(w.clerk.name)}${w.clerk.staff_no ? "　工号 " + esc(w.clerk.staff_no) : ""}</span>`
    : "暂停服务";
  // The keypad gave a level only: ask for its reasons here, for that same rating, while its wait runs.
  const want = w.reasons_wanted;
  if (want && !chosen && Date.now() >= thanksUntil && Date.parse(want.until) > Date.now() && skippedReasons !== want.ticket) {
    chosen = { level: want.level, number: want.number, keypad: want.ticket };
    document.getElementById("levels").classList.add("hidden");
    document.getElementById("prompt").textContent = `${want.number} 号已按键评价：${want.level_name}`;
    const done = () => { chosen = null; document.getElementById("reasons").classList.add("hidden"); };
    reasonPanel(document.getElementById("reasons"), want.level, want.level_name, async body => {
      await api("POST", `/api/windows/${win}/rating/reasons`, { ticket: want.ticket, reasons: body.reasons, comment: body.comment, phone: body.phone });
      done();
      thanksUntil = Date.now() + 4000; setTimeout(refresh, 4100);
      refresh();
    }, () => { skippedReasons = want.ticket; done(); refresh(); }, "不填原因").catch(err => { done(); document.getElementById("prompt").textContent = err.message; });
    clearTimeout(reasonsTimer);
    reasonsTimer = setTimeout(() => { if (chosen && chosen.keypad === want.ticket) { done(); refresh(); } }, Math.max(0, Date.parse(want.until) - Date.now()));
    return;
  }
  if (chosen && chosen.keypad) {
    if (!want || want.ticket !== chosen.keypad) { chosen = null; document.getElementById("reasons").classList.add("hidden"); } else return;
  }
  const awaiting = w.awaiting_rating;
  awaitedNumber = awaiting ? awaiting.number : null;
  const thanks = Date.now() < thanksUntil;
  if (chosen && (!awaiting || awaiting.number !== chosen.number || thanks)) {
    chosen = null;
    document.getElementById("reasons").classList.add("hidden");
  }
  document.getElementById("thanks").classList.toggle("hidden", !thanks);
  document.getElementById("levels").classList.toggle("hidden", !awaiting || thanks || !!chosen);
  if (chosen) return;
  document.getElementById("prompt").textContent = thanks ? "" : awaiting ? `请对 ${awaiting.number} 号的本次服务作出评价`
    : w.serving ? `正在办理 ${w.serving.number}` : "欢迎您";
  for (const b of document.querySelectorAll("#levels button")) b.disabled = false;
}
document.getElementById("levels").addEventListener("click", async e => {
  const level = Number(e.target.dataset.level);
  if (!level) return;
  const number = awaitedNumber;
  chosen = { level, number };
  document.getElementById("levels").classList.add("hidden");
  document.getElementById("prompt").textContent = `请对 ${number} 号的本次服务作出评价`;
  try {
    await reasonPanel(document.getElementById("reasons"), level, names[level], async body => {
      await api("POST", `/api/windows/${win}/rating`, body);
      chosen = null;
      document.getElementById("reasons").classList.add("hidden");
      thanksUntil = Date.now() + 4000; setTimeout(refresh, 4100);
      refresh();
    }, () => { chosen = null; document.getElementById("reasons").classList.add("hidden"); refresh(); });
  } catch (err) { chosen = null; document.getElementById("prompt").textContent = err.message; refresh(); }
});
const es = new EventSource("/api/events?token=" + encodeURIComponent(token));
es.onmessage = refresh;
for (const k of ["ticket_called", "ticket_finished", "ticket_rated", "rating_not_given", "clerk_signed_in", "clerk_signed_out", "ticket_called_back", "ticket_no_show", "ticket_transferred", "rating_reasons_added"]) es.addEventListener(k, refresh);
es.onopen = refresh;
refresh(); setInterval(refresh, 10000);

// The evaluator page's script (served as /assets/evaluator.js: the pages carry no inline script, so the
// Content-Security-Policy can forbid it).
//
// A tap on a level is posted at once (the level is stored then, like a keypad press); the reasons, comment and
// phone follow as their own attachment within the reasons window, which the page renews while the citizen is
// still choosing or typing. A citizen who taps and walks away is a rating without reasons, never "not rated".
const win = Number(location.pathname.split("/").pop());
const names = { 5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意" };
document.getElementById("levels").innerHTML = [5, 4, 3, 2, 1].map(l => `<button data-level="${l}">${names[l]}</button>`).join("");
let thanksUntil = 0;
// The rating whose reasons panel is open: { ticket, until } (the ticket's reasons window, renewed while typing).
let open = null;
// A rating whose reasons the citizen declined here (不填原因): not asked again.
let skippedReasons = null;
let awaitedNumber = null;
let closeTimer = null;
let lastRenew = 0;
const el = id => document.getElementById(id);

function closePanel() {
  open = null;
  clearTimeout(closeTimer);
  el("reasons").classList.add("hidden");
}

function thank() {
  closePanel();
  thanksUntil = Date.now() + 4000; setTimeout(refresh, 4100);
  refresh();
}

// The panel closes by itself when the reasons window ends (the level is already stored).
function armClose(until) {
  clearTimeout(closeTimer);
  closeTimer = setTimeout(() => { if (open) { closePanel(); refresh(); } }, Math.max(0, Date.parse(until) - Date.now()));
}

// Any touch or key in the open panel: the citizen is still here. Renew the window once it is a quarter used.
async function stillHere() {
  if (!open) return;
  const quarter = open.windowSeconds * 250;
  if (Date.now() - lastRenew < quarter) return;
  lastRenew = Date.now();
  try {
    const r = await api("POST", `/api/windows/${win}/rating/reasons/extend`, { ticket: open.ticket });
    if (open && open.ticket === r.ticket) { open.until = r.until; armClose(r.until); }
  } catch (e) { /* the window ended or the connection broke: the submit says which */ }
}
for (const kind of ["input", "click", "keydown"]) el("reasons").addEventListener(kind, stillHere);

function showPanel(want) {
  open = { ticket: want.ticket, until: want.until, windowSeconds: want.window_seconds || 120 };
  lastRenew = want.since ? Date.parse(want.since) : Date.now();
  el("levels").classList.add("hidden");
  el("thanks").classList.add("hidden");
  el("prompt").textContent = `${want.number} 号的评价已记录：${want.level_name}`;
  reasonPanel(el("reasons"), want.level, want.level_name, async body => {
    await api("POST", `/api/windows/${win}/rating/reasons`, { ticket: want.ticket, reasons: body.reasons, comment: body.comment, phone: body.phone });
    thank();
  }, () => { skippedReasons = want.ticket; thank(); }, "不填原因").catch(err => { closePanel(); el("prompt").textContent = err.message; });
  armClose(want.until);
}

async function refresh() {
  let s;
  try { s = await api("GET", "/api/state"); } catch (e) { el("prompt").textContent = "连接中断… " + e.message; return; }
  const w = s.windows.find(x => x.number === win);
  if (!w) { el("prompt").textContent = "没有这个窗口"; return; }
  el("title").textContent = `${s.hall} · ${w.name}`;
  el("who").innerHTML = w.clerk
    ? `${w.clerk.photo_url ? `<img src="${esc(w.clerk.photo_url)}" alt="">` : ""}<span>工作人员 ${esc(w.clerk.name)}${w.clerk.staff_no ? "　工号 " + esc(w.clerk.staff_no) : ""}</span>`
    : "暂停服务";
  const want = w.reasons_wanted;
  const wantOpen = want && Date.parse(want.until) > Date.now() && skippedReasons !== want.ticket;
  if (open) {
    // The same rating: keep the panel (and what the citizen typed); take a renewed end of the window.
    if (wantOpen && want.ticket === open.ticket) { if (want.until !== open.until) { open.until = want.until; armClose(want.until); } return; }
    closePanel();
  }
  const thanks = Date.now() < thanksUntil;
  if (wantOpen && !thanks) { showPanel(want); return; }
  const awaiting = w.awaiting_rating;
  awaitedNumber = awaiting ? awaiting.number : null;
  el("thanks").classList.toggle("hidden", !thanks);
  el("levels").classList.toggle("hidden", !awaiting || thanks);
  el("prompt").textContent = thanks ? "" : awaiting ? `请对 ${awaiting.number} 号的本次服务作出评价`
    : w.serving ? `正在办理 ${w.serving.number}` : "欢迎您";
  for (const b of document.querySelectorAll("#levels button")) b.disabled = false;
}

el("levels").addEventListener("click", async e => {
  const level = Number(e.target.dataset.level);
  if (!level) return;
  for (const b of document.querySelectorAll("#levels button")) b.disabled = true;
  try {
    // Stored now; the answer's reasons_until opens the reasons panel for this same rating.
    const r = await api("POST", `/api/windows/${win}/rating`, { level });
    showPanel({ ticket: r.ticket, number: awaitedNumber, level, level_name: names[level], until: r.reasons_until,
                since: new Date().toISOString(), window_seconds: (Date.parse(r.reasons_until) - Date.now()) / 1000 });
  } catch (err) {
    el("prompt").textContent = err.message;
    setTimeout(refresh, 3000);
  }
});
const es = new EventSource("/api/events?token=" + encodeURIComponent(token));
es.onmessage = refresh;
for (const k of ["ticket_called", "ticket_finished", "ticket_rated", "rating_not_given", "clerk_signed_in", "clerk_signed_out", "ticket_called_back",
                 "ticket_no_show", "ticket_transferred", "rating_reasons_added", "rating_reasons_extended"]) es.addEventListener(k, refresh);
es.onopen = refresh;
refresh(); setInterval(refresh, 10000);

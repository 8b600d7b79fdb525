"use strict";
const token = new URLSearchParams(location.search).get("token") || "";
const T = {
  zh: { title: "窗口服务评价看板", today: "今天", week: "本周", month: "本月", lastmonth: "上月", print: "打印", liveQueues: "今日实时 · 排队",
        devices: "设备状态", liveWindows: "今日实时 · 窗口", alerts: "监察预警", ranking: "评价排名", byWindow: "按窗口", byClerk: "按工作人员",
        byCategory: "按业务", chartDaily: "满意率与得分（按日）", chartLevels: "评价等级（按日）", chartWait: "等候时长分布（横轴：分钟，纵轴：人次）", chartHours: "各时段办结量",
        cases: "差评回访整改", casesOpen: "未办结", casesOverdue: "已超期", casesAll: "本期全部",
        rank: "排名", name: "名称", served: "办结", rated: "评价数", sat: "满意率", score: "得分", part: "参评率", wait: "平均等候", svc: "平均办理",
        imm: "即办率", ncases: "本期差评", overdue: "本期超期", noshow: "过号", p90: "90%等候", total: "合计", headline: "本期概况",
        points: "个百分点", mom: "环比", momTitle: "对比上期", levelsCol: "评价分布", levelsTitle: "非常满意·满意·基本满意·不满意·非常不满意", fServed: "办结", fSat: "满意率", fPart: "参评率", fScore: "得分", fImm: "即办率", fWaiting: "当前等候", fOpen: "累计未办结差评", fOverdue: "累计超期差评", category: "业务", waiting: "等候", longest: "最长等候", window: "窗口", clerk: "工作人员",
        state: "状态", current: "当前号", device: "设备", health: "状态", note: "提示", none: "无",
        number: "号码", level: "评价", opened: "评价时间", due: "办结期限", left: "剩余工作日", caseState: "进度", act: "操作",
        contact: "登记回访", rectify: "登记整改", close: "办结", method: "方式", said: "群众意见", rnote: "整改说明", cnote: "办结说明", callbackRate: "回访率", rectifyRate: "整改率", badReasons: "各窗口差评主要原因", reasons: "原因（次数）",
        citizens: "群众服务：绿色通道、预约与等候预估", prReason: "绿色通道原因", prTickets: "号数", apBooked: "预约", apArrived: "到场", apLate: "迟到",
        apNoShow: "爽约", apRate: "到场率", accMae: "预估平均误差（分钟）", accBias: "偏差（分钟）", accWait: "平均等候（分钟）", accTickets: "叫号数",
        verdict: "群众对整改的评价", verdicts: { satisfied: "满意", basically_satisfied: "基本满意", dissatisfied: "不满意" },
        satLine: "满意率 %", scoreLine: "得分", minutes: "分钟", more: "以上", csv: "CSV", xlsx: "Excel", workbook: "考核工作簿（全部报表）", noData: "本期无数据",
        phases: { closed: "未开窗", idle: "空闲", serving: "办理中", paused: "暂停", awaiting_rating: "等待评价" },
        levels: ["非常不满意", "不满意", "基本满意", "满意", "非常满意"], live: "实时连接正常", down: "连接中断，重连中…",
        deviceStates: { absent: "未找到设备", connecting: "连接中", connected: "正常", backoff: "故障，等待重试", stopped: "已停止" },
        deviceError: "出错（鼠标悬停看详情）",
        badToken: "管理令牌无效或已停用（不是网络故障）：请向管理员索取新的看板地址（地址中的 token=…）", alertsUnknown: "无法读取预警：",
        badSession: "登录已过期或已退出（不是网络故障）：请重新登录", relogin: "重新登录", logout: "退出", admin: "系统设置",
        drill: "明细查询", lookup: "查号", lookupGo: "查询", drillHint: "（点击排名中的窗口或工作人员，逐级查看到每一个号）", allTickets: "全部",
        tickets: "号码明细", waitOne: "等候时长", svcOne: "办理时长", status: "状态", day: "日期", history: "办理经过", by: "操作来源", bad: "差评", lookupNeed: "请填写日期和号码",
        supervise: "值班调度", supWaiting: "等候中的号", notice: "大厅通知（电视与大厅屏）", noticeUntil: "显示到", noticePost: "发布", noticeClear: "撤下",
        noticeShown: "正在显示：", forceOut: "强制签退", pause: "暂停", resume: "开放", move: "调整", anyWindow: "任一窗口", directed: "指定窗口",
        done: "已执行：", confirmOut: "确定让 {w} 的工作人员签退？再按一次确认", audit: "操作记录", actor: "操作人", role: "角色", action: "操作",
        target: "对象", detail: "内容", result: "结果", ok: "成功", refused: "未执行", when: "时间",
        said: "群众评价内容", phone: "回访电话", reveal: "显示号码", assignedTo: "指派给", assign: "指派", assignee: "账号", page: "第", prev: "上一页", next: "下一页",
        backlog: "累计未办结", period: "本期", casesMine: "我的工单" },
  en: { title: "Window service dashboard", today: "Today", week: "This week", month: "This month", lastmonth: "Last month", print: "Print",
        liveQueues: "Live today · queues", devices: "Devices", liveWindows: "Live today · windows", alerts: "Supervision alerts", ranking: "Ranking",
        byWindow: "Windows", byClerk: "Clerks", byCategory: "Services", chartDaily: "Satisfaction and score per day", chartLevels: "Ratings per level per day",
        chartWait: "Waiting-time distribution (minutes across, people up)", chartHours: "Served per hour of day", cases: "Bad-rating follow-up", casesOpen: "Not closed",
        casesOverdue: "Overdue", casesAll: "All in range", rank: "Rank", name: "Name", served: "Served", rated: "Rated", sat: "Satisfied",
        score: "Score", part: "Rated %", wait: "Mean wait", svc: "Mean service", imm: "Immediate", ncases: "Cases", overdue: "Overdue", noshow: "No-shows", p90: "P90 wait", total: "Total", headline: "This period",
        points: "pts", mom: "vs. before", momTitle: "compared with", levelsCol: "Ratings", levelsTitle: "very satisfied · satisfied · basically · dissatisfied · very dissatisfied", fServed: "Served", fSat: "Satisfied", fPart: "Rated", fScore: "Score", fImm: "Immediate", fWaiting: "Waiting now", fOpen: "Open cases", fOverdue: "Overdue cases",
        category: "Service", waiting: "Waiting", longest: "Longest wait", window: "Window", clerk: "Clerk", state: "State", current: "Ticket",
        device: "Device", health: "State", note: "Note", none: "none", number: "Ticket", level: "Rating", opened: "Rated at", due: "Due",
        left: "Working days left", caseState: "Progress", act: "Action", contact: "Record contact", rectify: "Record rectification",
        close: "Close", method: "How", said: "Citizen said", rnote: "What changed", cnote: "Closing note", callbackRate: "Called back", rectifyRate: "Rectified", badReasons: "Most frequent reasons of bad ratings, by window", reasons: "Reasons (times)",
        citizens: "Citizens: priority, appointments and wait estimates", prReason: "Priority reason", prTickets: "Tickets", apBooked: "Booked", apArrived: "Arrived", apLate: "Late",
        apNoShow: "No-show", apRate: "Arrival rate", accMae: "Estimate's mean error (min)", accBias: "Bias (min)", accWait: "Mean wait (min)", accTickets: "Called",
        verdict: "Citizen's verdict on the fix", verdicts: { satisfied: "Satisfied", basically_satisfied: "Basically satisfied", dissatisfied: "Dissatisfied" }, satLine: "Satisfied %",
        scoreLine: "Score", minutes: "min", more: "more", csv: "CSV", xlsx: "Excel", workbook: "Assessment workbook (all reports)", noData: "No data in this range",
        phases: { closed: "closed", idle: "idle", serving: "serving", paused: "paused", awaiting_rating: "awaiting rating" },
        levels: ["very dissatisfied", "dissatisfied", "basically satisfied", "satisfied", "very satisfied"], live: "live", down: "connection lost, reconnecting…",
        deviceStates: { absent: "not found", connecting: "connecting", connected: "connected", backoff: "failed, retrying", stopped: "stopped" },
        deviceError: "error",
        badToken: "The manager token is wrong or withdrawn (not a network fault): ask the administrator for a new dashboard address (token=… in it)",
        alertsUnknown: "cannot read the alerts: ",
        badSession: "Your sign-in expired or you signed out (not a network fault): sign in again", relogin: "Sign in", logout: "Sign out", admin: "Setup",
        drill: "Drill-down", lookup: "Ticket", lookupGo: "Look up", drillHint: "(click a window or clerk in the ranking to go down to each ticket)", allTickets: "All",
        tickets: "Tickets", waitOne: "Wait", svcOne: "Service", status: "Status", day: "Day", history: "History", by: "Source", bad: "Bad", lookupNeed: "Enter a day and a number",
        supervise: "Supervisor", supWaiting: "Waiting tickets", notice: "Hall notice (TV and hall screens)", noticeUntil: "until", noticePost: "Post", noticeClear: "Take down",
        noticeShown: "Showing: ", forceOut: "Sign out", pause: "Pause", resume: "Open", move: "Move", anyWindow: "any window", directed: "Window",
        done: "Done: ", confirmOut: "Sign out the clerk of {w}? Press again to confirm", audit: "Audit record", actor: "Who", role: "Role", action: "Action",
        target: "On", detail: "Detail", result: "Result", ok: "done", refused: "refused", when: "When",
        said: "What the citizen said", phone: "Callback", reveal: "Show number", assignedTo: "Assigned to", assign: "Assign", assignee: "Account", page: "Page",
        prev: "Previous", next: "Next", backlog: "Backlog", period: "This period", casesMine: "Mine" },
};
let lang = localStorage.getItem("counterd.lang") || "zh";
const t = k => T[lang][k] ?? k;
const esc = s => String(s ?? "").replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"})[c]);
const pct = v => v === null || v === undefined ? "–" : (v * 100).toFixed(1) + "%";
const num = (v, d = 1) => v === null || v === undefined ? "–" : Number(v).toFixed(d);
const mins = s => s === null || s === undefined ? "–" : (s / 60).toFixed(1) + " " + t("minutes");
// A manager's token (?token=, for scripts and old bookmarks) or, normally, the signed-in session, whose
// CSRF value goes with every write.
let me = null;
async function api(method, path, body) {
  const headers = {};
  if (token) headers["Authorization"] = "Bearer " + token;
  else if (me && method !== "GET") headers["X-CSRF-Token"] = me.csrf;
  if (body) headers["Content-Type"] = "application/json";
  const r = await fetch(path, { method, cache: "no-store", headers, body: body ? JSON.stringify(body) : undefined });
  const data = await r.json().catch(() => null);
  if (!r.ok) {
    const err = new Error((data && data.error && (lang === "zh" ? data.error.message_zh : data.error.message_en)) || ("HTTP " + r.status));
    err.status = r.status;
    throw err;
  }
  return data;
}
const withToken = q => token ? `${q}&token=${encodeURIComponent(token)}` : q;
const colors = ["#b3261e", "#e8710a", "#f9ab00", "#5bb974", "#1e8e3e"];
// Every time on this page is in the hall's time zone ([hall] timezone), never the browser's.
function hallZone() { return (state && state.time_zone) || (dash && dash.time_zone) || "Asia/Shanghai"; }
let dash = null, scope = "windows", sortCol = "rank", sortAsc = true, caseFilter = "open", state = null;
const alertsSeen = new Map();

function fmtDay(d) { return d.toISOString().slice(0, 10); }
function localDay(offsetDays = 0) { const d = new Date(); d.setDate(d.getDate() + offsetDays); return new Date(d.getTime() - d.getTimezoneOffset() * 60000); }
// The hall's business day (its time zone, from /api/state), not the browser's: a PC set to another zone, or
// the hours around midnight, would otherwise show another day's figures.
let hallToday = null;
function setRange(kind) {
  const today = hallToday ? new Date(hallToday + "T00:00:00Z") : localDay(); let from = today, to = today;
  if (kind === "week") { const wd = (today.getUTCDay() + 6) % 7; from = new Date(today.getTime() - wd * 86400000); }
  if (kind === "month") from = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), 1));
  if (kind === "lastmonth") { from = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 1, 1)); to = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), 0)); }
  document.getElementById("from").value = fmtDay(from); document.getElementById("to").value = fmtDay(to);
  load();
}

const columns = {
  windows: ["rank", "name", "served", "no_shows", "rated", "ratings", "satisfaction_rate", "score", "participation_rate", "mean_wait_seconds", "p90_wait_seconds", "mean_service_seconds", "immediate_rate", "cases", "overdue_cases"],
  clerks: ["rank", "name", "served", "no_shows", "rated", "ratings", "satisfaction_rate", "score", "participation_rate", "mean_wait_seconds", "p90_wait_seconds", "mean_service_seconds", "immediate_rate", "cases", "overdue_cases"],
  categories: ["rank", "name", "served", "no_shows", "rated", "ratings", "satisfaction_rate", "score", "participation_rate", "mean_wait_seconds", "p90_wait_seconds", "mean_service_seconds", "immediate_rate"],
};
const heads = { rank: "rank", name: "name", served: "served", rated: "rated", satisfaction_rate: "sat", score: "score", participation_rate: "part",
  mean_wait_seconds: "wait", mean_service_seconds: "svc", immediate_rate: "imm", cases: "ncases", overdue_cases: "overdue", no_shows: "noshow",
  p90_wait_seconds: "p90", ratings: "levelsCol" };
function cell(col, r) {
  const v = r[col];
  // Per level, 非常满意 first; the header's tooltip names them.
  if (col === "ratings") return Array.isArray(v) ? `<span title="${esc(t("levelsTitle"))}">${v.slice().reverse().join("·")}</span>` : "–";
  if (col.endsWith("_rate")) return pct(v);
  if (col === "score") return num(v);
  if (col.endsWith("_seconds")) return mins(v);
  if (col === "overdue_cases") return v ? `<span class="bad">${v}</span>` : (v ?? "–");
  return esc(v ?? "–");
}
function renderRanking() {
  if (!dash) return;
  const rows = dash[scope].slice().sort((a, b) => {
    const key = r => sortCol === "ratings" && Array.isArray(r.ratings) ? r.ratings[3] + r.ratings[4] : r[sortCol];
    const x = key(a), y = key(b);
    const c = (x === null || x === undefined) - (y === null || y === undefined) || (typeof x === "string" ? x.localeCompare(y) : x - y);
    return sortAsc ? c : -c;
  });
  const cols = columns[scope];
  document.getElementById("ranking").innerHTML =
    `<thead><tr>${cols.map(c => `<th data-col="${c}" class="${c === "name" ? "l" : ""} ${c === sortCol ? "sorted" + (sortAsc ? " asc" : "") : ""}"${c === "ratings" ? ` title="${esc(t("levelsTitle"))}"` : ""}>${esc(t(heads[c]))}</th>`).join("")}</tr></thead>` +
    `<tbody>${rows.map(r => `<tr data-key="${esc(r.key)}">${cols.map(c => `<td data-col="${c}" data-value="${esc(r[c] ?? "")}" class="${c === "name" ? "l" : ""}">${cell(c, r)}</td>`).join("")}</tr>`).join("")
      || `<tr><td>${esc(t("noData"))}</td></tr>`}</tbody>`
    // 合计: the range's own figures from the server (its rates and P90 are not sums of the rows').
    + (dash.totals && dash.totals[scope] ? `<tfoot><tr data-total="1">${cols.map(c => c === "rank" ? "<td></td>" : c === "name" ? `<td class="l">${esc(t("total"))}</td>`
        : `<td data-total-col="${c}" data-value="${esc(dash.totals[scope][c] ?? "")}">${cell(c, dash.totals[scope])}</td>`).join("")}</tr></tfoot>` : "");
  const q = withToken(`from=${dash.from}&to=${dash.to}`);
  document.getElementById("exports").innerHTML = ` <a href="/api/export/${scope}.csv?${q}">${t("csv")}</a> · <a href="/api/export/${scope}.xlsx?${q}">${t("xlsx")}</a>`
    + ` · <a id="workbook" href="/api/export/workbook.xlsx?${q}">${t("workbook")}</a>`;
}
document.getElementById("ranking").addEventListener("click", e => {
  const row = e.target.closest("tbody tr[data-key]");
  if (row) {
    const name = row.querySelector("td[data-col=name]")?.textContent || row.dataset.key;
    drill = scope === "windows" ? { window: row.dataset.key, windowName: name } : scope === "clerks" ? { clerk: row.dataset.key, clerkName: name }
      : { category: row.dataset.key, categoryName: name };
    renderDrill(); return;
  }
  const th = e.target.closest("th"); if (!th) return;
  const c = th.dataset.col; if (sortCol === c) sortAsc = !sortAsc; else { sortCol = c; sortAsc = c === "rank" || c === "name"; }
  renderRanking();
});
for (const b of document.querySelectorAll("[data-scope]")) b.onclick = () => {
  scope = b.dataset.scope; for (const x of document.querySelectorAll("[data-scope]")) x.classList.toggle("on", x === b); renderRanking();
};

// ---- SVG charts (drawn here; no library) ----
function svg(w, h, body) { return `<svg viewBox="0 0 ${w} ${h}" width="100%" preserveAspectRatio="xMidYMid meet" role="img">${body}</svg>`; }
function axes(w, h, pad, max, ticks, labels, fmt) {
  let s = `<line x1="${pad.l}" y1="${h - pad.b}" x2="${w - pad.r}" y2="${h - pad.b}" stroke="#9fb3d1"/>`;
  for (let i = 0; i <= ticks; i++) {
    const v = max * i / ticks, y = h - pad.b - (h - pad.t - pad.b) * i / ticks;
    s += `<line x1="${pad.l}" y1="${y}" x2="${w - pad.r}" y2="${y}" stroke="#eef2f8"/><text x="${pad.l - 4}" y="${y + 4}" text-anchor="end">${fmt(v)}</text>`;
  }
  const step = Math.max(1, Math.ceil(labels.length / 12)), bw = (w - pad.l - pad.r) / Math.max(1, labels.length);
  labels.forEach((l, i) => { if (i % step === 0) s += `<text x="${pad.l + bw * (i + 0.5)}" y="${h - pad.b + 14}" text-anchor="middle">${esc(l)}</text>`; });
  return s;
}
function lineChart(id, labels, series) {
  const w = 640, h = 240, pad = { l: 36, r: 10, t: 10, b: 22 }, max = 100;
  const bw = (w - pad.l - pad.r) / Math.max(1, labels.length);
  let body = axes(w, h, pad, max, 4, labels, v => v.toFixed(0));
  for (const s of series) {
    const pts = s.values.map((v, i) => v === null ? null : [pad.l + bw * (i + 0.5), h - pad.b - (h - pad.t - pad.b) * v / max]);
    let d = "", pen = false;
    for (const p of pts) { if (!p) { pen = false; continue; } d += (pen ? "L" : "M") + p[0].toFixed(1) + " " + p[1].toFixed(1); pen = true; }
    body += `<path class="series" d="${d}" fill="none" stroke="${s.color}" stroke-width="2"/>` +
      pts.filter(p => p).map(p => `<circle cx="${p[0].toFixed(1)}" cy="${p[1].toFixed(1)}" r="2.5" fill="${s.color}"/>`).join("");
  }
  document.getElementById(id).innerHTML = svg(w, h, body) +
    `<div class="legend">${series.map(s => `<span><i style="background:${s.color}"></i>${esc(s.name)}</span>`).join("")}</div>`;
}
function barChart(id, labels, stacks, names, fill) {
  const w = 640, h = 240, pad = { l: 36, r: 10, t: 10, b: 22 };
  const totals = labels.map((_, i) => stacks.reduce((a, s) => a + s[i], 0));
  const max = Math.max(1, ...totals), nice = Math.ceil(max / 4) * 4 || 4;
  const bw = (w - pad.l - pad.r) / Math.max(1, labels.length);
  let body = axes(w, h, pad, nice, 4, labels, v => v.toFixed(0));
  labels.forEach((_, i) => {
    let y = h - pad.b;
    stacks.forEach((s, k) => {
      const bh = (h - pad.t - pad.b) * s[i] / nice;
      if (bh > 0) body += `<rect class="bar" x="${(pad.l + bw * i + bw * 0.15).toFixed(1)}" y="${(y - bh).toFixed(1)}" width="${(bw * 0.7).toFixed(1)}" height="${bh.toFixed(1)}" fill="${fill[k]}"><title>${esc(labels[i])} ${esc(names[k] || "")}: ${s[i]}</title></rect>`;
      y -= bh;
    });
  });
  document.getElementById(id).innerHTML = svg(w, h, body) + (names.length > 1 ?
    `<div class="legend">${names.map((n, k) => `<span><i style="background:${fill[k]}"></i>${esc(n)}</span>`).join("")}</div>` : "");
}
function renderCharts() {
  if (!dash) return;
  const days = dash.daily.map(d => d.day.slice(5));
  lineChart("chartDaily", days, [
    { name: t("satLine"), color: "#1e8e3e", values: dash.daily.map(d => d.satisfaction_rate === null ? null : d.satisfaction_rate * 100) },
    { name: t("scoreLine"), color: "#0b3a75", values: dash.daily.map(d => d.score) }]);
  barChart("chartLevels", days, [0, 1, 2, 3, 4].map(k => dash.daily.map(d => d.ratings[k])), T[lang].levels, colors);
  // The open last bucket comes without upper_seconds (undefined, not null): "60+", never "NaN".
  const wl = dash.wait_histogram.map(b => b.upper_seconds == null ? "60+" : String(b.upper_seconds / 60));
  barChart("chartWait", wl, [dash.wait_histogram.map(b => b.count)], [t("minutes")], ["#4f7cc4"]);
  barChart("chartHours", dash.served_by_hour.map((_, h) => String(h)), [dash.served_by_hour], [t("served")], ["#0b3a75"]);
}

function renderBadReasons() {
  // Each window's most frequent 差评 reasons (评价指标), from the ratings of the range.
  const byWindow = (dash && dash.bad_reasons) || {};
  const rows = Object.keys(byWindow).sort((a, b) => Number(a) - Number(b)).map(w => {
    const name = (dash.windows.find(r => String(r.key) === w) || {}).name || w;
    return `<tr data-window="${esc(w)}"><td class="l">${esc(name)}</td><td class="l">${byWindow[w].map(r => `${esc(r.code)} ${esc(r.text)}（${r.count}）`).join("；")}</td></tr>`;
  });
  document.getElementById("badReasons").innerHTML = `<thead><tr><th class="l">${esc(t("window"))}</th><th class="l">${esc(t("reasons"))}</th></tr></thead><tbody>`
    + (rows.join("") || `<tr><td>${esc(t("none"))}</td></tr>`) + "</tbody>";
}

async function loadCitizens() {
  // 群众服务: 绿色通道 by reason, appointments per category, and how far the kiosk's estimates were from the waits.
  let r;
  try { r = await api("GET", `/api/reports/citizens?${range()}`); } catch (e) { return; }
  const head = cols => `<thead><tr>${cols.map((c, i) => `<th class="${i ? "" : "l"}">${esc(t(c))}</th>`).join("")}</tr></thead><tbody>`;
  const none = n => `<tr><td class="l" colspan="${n}">${esc(t("none"))}</td></tr>`;
  document.getElementById("citizenPriority").innerHTML = head(["category", "prReason", "prTickets"])
    + (r.priority.map(p => `<tr><td class="l">${esc(p.category_name)}</td><td>${esc(p.reason)}</td><td>${p.tickets}</td></tr>`).join("") || none(3)) + "</tbody>";
  document.getElementById("citizenAppointments").innerHTML = head(["category", "apBooked", "apArrived", "apLate", "apNoShow", "apRate"])
    + (r.appointments.map(a => `<tr><td class="l">${esc(a.category_name)}</td><td>${a.booked}</td><td>${a.arrived}</td><td>${a.late}</td><td>${a.no_show}</td>`
      + `<td>${a.arrival_rate === null || a.arrival_rate === undefined ? "–" : (a.arrival_rate * 100).toFixed(1) + "%"}</td></tr>`).join("") || none(6)) + "</tbody>";
  // One row per category over the range: the days' errors weighted by their tickets.
  const byCat = {};
  for (const x of r.wait_accuracy) {
    const c = byCat[x.category] ||= { name: x.category_name, n: 0, mae: 0, bias: 0, wait: 0 };
    c.n += x.tickets; c.mae += x.mean_absolute_error_minutes * x.tickets; c.bias += x.mean_bias_minutes * x.tickets; c.wait += x.mean_wait_minutes * x.tickets;
  }
  document.getElementById("citizenAccuracy").innerHTML = head(["category", "accTickets", "accWait", "accMae", "accBias"])
    + (Object.values(byCat).map(c => `<tr><td class="l">${esc(c.name)}</td><td>${c.n}</td><td>${(c.wait / c.n).toFixed(1)}</td>`
      + `<td>${(c.mae / c.n).toFixed(1)}</td><td>${(c.bias / c.n).toFixed(1)}</td></tr>`).join("") || none(5)) + "</tbody>";
}

let casePage = 0;
async function loadCases() {
  renderBadReasons();
  const q = `from=${document.getElementById("from").value}&to=${document.getElementById("to").value}`;
  // "mine": the open cases assigned to the signed-in person.
  const filter = caseFilter === "mine" ? "open&mine=1" : caseFilter;
  const r = await api("GET", `/api/cases?state=${filter}&${q}`);
  // Overdue first, then by due day; 20 a page, so the alerts and the supervisor panel stay within reach.
  const all = r.cases.slice().sort((a, b) => (b.overdue - a.overdue) || a.due_day.localeCompare(b.due_day));
  const pages = Math.max(1, Math.ceil(all.length / 20));
  casePage = Math.min(casePage, pages - 1);
  const shown = all.slice(casePage * 20, casePage * 20 + 20);
  const cols = ["number", "window", "clerk", "level", "said", "opened", "due", "left", "caseState", "act"];
  document.getElementById("cases").innerHTML = `<thead><tr>${cols.map(c => `<th class="l">${esc(t(c))}</th>`).join("")}</tr></thead><tbody>` +
    (shown.map(c => `<tr class="${c.overdue ? "overdue" : ""}" data-case="${esc(c.id)}" data-state="${esc(c.state)}">
      <td>${esc(c.number)}<br><small>${esc(c.day)}</small></td><td class="l">${esc(c.window_name || c.window || "")}</td><td class="l">${esc(c.clerk_name || c.clerk || "")}</td>
      <td class="l bad">${esc(T[lang].levels[c.level - 1])}</td>
      <td class="l said">${(c.reasons || []).map(x => `<span class="reason" title="${esc(x.code)}">${esc(x.code)} ${esc(x.text)}</span>`).join("<br>")}`
      + `${c.comment ? `<br><small>“${esc(c.comment)}”</small>` : ""}`
      + `${c.phone_masked ? `<br><span class="phone">${esc(t("phone"))} <b>${esc(c.phone_masked)}</b> <button data-reveal="1">${esc(t("reveal"))}</button></span>` : ""}</td>
      <td class="l">${new Date(c.opened_at).toLocaleString(lang === "zh" ? "zh-CN" : "en-GB", { timeZone: hallZone() })}</td>
      <td class="l">${esc(c.due_day)}${c.assignee ? `<br><small>${esc(t("assignedTo"))} ${esc(c.assignee)} · ${esc(c.assignee_due_day || "")}</small>` : ""}</td>
      <td>${c.state === "closed" ? "–" : c.working_days_left}</td>
      <td class="l">${esc(lang === "zh" ? c.state_name : c.state)}${c.citizen_said ? `<br><small>${esc(c.contact_method)}：${esc(c.citizen_said)}</small>` : ""}${c.rectify_note ? `<br><small>${esc(c.rectify_note)}</small>` : ""}</td>
      <td class="l case-actions">${caseForm(c)}</td></tr>`).join("") || `<tr><td>${esc(t("none"))}</td></tr>`) + "</tbody>"
    + (pages > 1 ? `<tfoot><tr><td colspan="${cols.length}" class="l">${esc(t("page"))} ${casePage + 1}/${pages}（${all.length}）
        <button data-page="-1" ${casePage ? "" : "disabled"}>${esc(t("prev"))}</button><button data-page="1" ${casePage < pages - 1 ? "" : "disabled"}>${esc(t("next"))}</button></td></tr></tfoot>` : "");
  // 回访率 and 整改率 of the cases opened in the period (the rules ask for 100 % called back); the backlog is labelled as such.
  const sm = r.summary, pct = v => v == null ? "–" : `${v}%`;
  document.getElementById("caseCounts").textContent = (dash ? `（${t("backlog")}：${t("casesOpen")} ${dash.cases_open} · ${t("casesOverdue")} ${dash.cases_overdue}）` : "")
    + ` ${t("period")}：${t("callbackRate")} ${pct(sm.callback_rate)}（${sm.contacted}/${sm.opened}） · ${t("rectifyRate")} ${pct(sm.rectify_rate)}（${sm.rectified}/${sm.opened}）`;
  // The print carries the period's cases as a count (the list itself is in the 考核工作簿), not the backlog.
  document.getElementById("casesPrint").textContent = `本期差评工单 ${sm.opened} 件：已回访 ${sm.contacted} 件，已整改 ${sm.rectified} 件，已办结 ${sm.closed} 件，超期 ${sm.overdue} 件（明细见考核工作簿）`;
  const qt = withToken(q);
  document.getElementById("caseExports").innerHTML = ` <a href="/api/export/cases.csv?${qt}">${t("csv")}</a> · <a href="/api/export/cases.xlsx?${qt}">${t("xlsx")}</a>`;
}
function caseForm(c) {
  // 指派: any case not closed may be given to a person (an account) by a day inside its deadline.
  const assign = c.state === "closed" ? "" : `<details><summary>${esc(t("assign"))}</summary><input name="assignee" placeholder="${esc(t("assignee"))}" value="${esc(c.assignee || "")}">`
    + `<input name="due" type="date" max="${esc(c.due_day)}" value="${esc(c.assignee_due_day || c.due_day)}"><button data-do="assign">${esc(t("assign"))}</button></details>`;
  return caseStep(c) + assign;
}
function caseStep(c) {
  if (c.state === "open") return `<input name="method" placeholder="${esc(t("method"))}" value="电话"><input name="said" placeholder="${esc(t("said"))}"><button data-do="contact">${esc(t("contact"))}</button>`;
  if (c.state === "contacted") return `<input name="note" placeholder="${esc(t("rnote"))}"><button data-do="rectify">${esc(t("rectify"))}</button>`;
  if (c.state === "rectified") return `<input name="note" placeholder="${esc(t("cnote"))}"><select name="verdict" title="${esc(t("verdict"))}"><option value="">${esc(t("verdict"))}</option>`
    + Object.entries(T[lang].verdicts).map(([k, v]) => `<option value="${k}">${esc(v)}</option>`).join("") + `</select><button data-do="close">${esc(t("close"))}</button>`;
  return "";
}
document.getElementById("cases").addEventListener("click", async e => {
  const pg = e.target.closest("button[data-page]");
  if (pg) { casePage += Number(pg.dataset.page); loadCases(); return; }
  const rv = e.target.closest("button[data-reveal]");
  if (rv) {
    // 显示号码: the full number for the callback; the server records who asked.
    const tr = rv.closest("tr");
    try { const p = await api("POST", `/api/cases/${tr.dataset.case}/phone`); rv.parentElement.querySelector("b").textContent = p.phone; rv.remove(); }
    catch (err) { alert(err.message); }
    return;
  }
  const b = e.target.closest("button[data-do]"); if (!b) return;
  const tr = b.closest("tr"), f = n => (tr.querySelector(`input[name=${n}]`) || {}).value || "";
  const body = b.dataset.do === "contact" ? { method: f("method"), citizen_said: f("said") }
    : b.dataset.do === "assign" ? { assignee: f("assignee"), due_day: f("due") } : { note: f("note") };
  const verdict = tr.querySelector("select[name=verdict]");
  if (b.dataset.do === "close" && verdict && verdict.value) body.verdict = verdict.value;
  try { await api("POST", `/api/cases/${tr.dataset.case}/${b.dataset.do}`, body); } catch (err) { alert(err.message); }
  load();
});
for (const b of document.querySelectorAll("[data-cases]")) b.onclick = () => {
  caseFilter = b.dataset.cases; casePage = 0; for (const x of document.querySelectorAll("[data-cases]")) x.classList.toggle("on", x === b); loadCases();
};

function renderLive() {
  if (!state) return;
  const now = Date.parse(state.now) || Date.now();
  document.getElementById("queues").innerHTML = `<tr><th class="l">${t("category")}</th><th>${t("waiting")}</th><th>${t("longest")}</th></tr>` +
    state.categories.map(c => {
      const ws = state.waiting.filter(x => x.category === c.code).map(x => (now - Date.parse(x.issued_at)) / 1000);
      const longest = ws.length ? Math.max(...ws) : null;
      return `<tr data-category="${esc(c.code)}"><td>${esc(c.name)}</td><td>${c.waiting}</td><td class="${longest > 1800 ? "bad" : ""}">${mins(longest)}</td></tr>`;
    }).join("");
  document.getElementById("windowsLive").innerHTML = `<tr><th class="l">${t("window")}</th><th class="l">${t("clerk")}</th><th class="l">${t("state")}</th><th class="l">${t("current")}</th></tr>` +
    state.windows.map(w => `<tr data-window="${w.number}"><td>${esc(w.name)}</td><td class="l">${esc(w.clerk ? w.clerk.name : "–")}</td>
      <td class="l">${esc(T[lang].phases[w.phase] || w.phase)}</td><td class="l">${esc(w.serving ? w.serving.number : (w.awaiting_rating ? w.awaiting_rating.number : ""))}</td></tr>`).join("");
  document.getElementById("devices").innerHTML = `<tr><th class="l">${t("device")}</th><th class="l">${t("health")}</th><th class="l">${t("note")}</th></tr>` +
    (state.devices.map(d => `<tr data-device="${esc(d.id)}"><td class="ident">${esc(d.id)}</td><td class="l ${d.state === "connected" && !d.warning ? "ok" : "bad"}" data-state="${esc(d.state)}">${esc((T[lang].deviceStates || {})[d.state] || d.state)}</td>`
      + `<td class="l warn" title="${esc(d.last_error || "")}">${esc(lang === "zh" ? (d.warning_zh || d.warning || (d.last_error ? t("deviceError") : "")) : (d.warning || d.last_error || ""))}</td></tr>`).join("")
      || `<tr><td>${t("none")}</td></tr>`);
}
function renderAlerts() {
  const items = [...alertsSeen.values()].sort((a, b) => b.at - a.at).slice(0, 30);
  document.getElementById("alerts").innerHTML = items.map(a => `<li class="${a.cleared ? "cleared" : ""} ${a.kind === "bad_rating" ? "bad" : ""}" data-alert="${esc(a.key)}">
    ${new Date(a.at).toLocaleTimeString(lang === "zh" ? "zh-CN" : "en-GB", { timeZone: hallZone(), hour12: false })} ${esc(a.message)}</li>`).join("") || `<li>${t("none")}</li>`;
}
async function loadLive() {
  try { state = await api("GET", "/api/state"); renderLive(); renderFigures(); renderSupervise(); } catch (e) {}
}
/* The first screen's figures: the period's 合计 of the windows, who waits now, the 差评 cases. */
function renderFigures() {
  if (!dash || !dash.totals) return;
  const w = dash.totals.windows || {};
  const waiting = state ? (state.categories || []).reduce((a, c) => a + (c.waiting || 0), 0) : null;
  // 环比: each figure beside the same figure of the period before (percentage points for rates).
  // Hidden when the earlier period has no data: "+100 %" against nothing says nothing.
  const p = dash.previous && dash.previous.windows && (dash.previous.windows.served || dash.previous.windows.rated) ? dash.previous.windows : null;
  const change = (now, before, kind) => {
    if (!p || now === null || now === undefined || before === null || before === undefined) return "";
    const d = kind === "rate" ? (now - before) * 100 : now - before;
    const text = kind === "rate" ? `${d >= 0 ? "+" : ""}${d.toFixed(1)} ${t("points")}` : kind === "score" ? `${d >= 0 ? "+" : ""}${d.toFixed(1)}` : `${d >= 0 ? "+" : ""}${d}`;
    return `<small class="mom ${d > 0 ? "up" : d < 0 ? "down" : ""}" title="${esc(t("momTitle"))} ${esc(dash.previous.from)} – ${esc(dash.previous.to)}">${esc(t("mom"))} ${esc(text)}</small>`;
  };
  const figures = [["served", t("fServed"), w.served ?? 0, change(w.served, p && p.served, "count")],
    ["sat", t("fSat"), pct(w.satisfaction_rate), change(w.satisfaction_rate, p && p.satisfaction_rate, "rate")],
    ["part", t("fPart"), pct(w.participation_rate), change(w.participation_rate, p && p.participation_rate, "rate")],
    ["score", t("fScore"), num(w.score), change(w.score, p && p.score, "score")], ["imm", t("fImm"), pct(w.immediate_rate), change(w.immediate_rate, p && p.immediate_rate, "rate")],
    ["waiting", t("fWaiting"), waiting ?? "–", ""], ["open", t("fOpen"), dash.cases_open, ""], ["overdue", t("fOverdue"), dash.cases_overdue, ""]];
  document.getElementById("headlineRange").textContent = `${dash.from} – ${dash.to}` + (p ? `（${t("momTitle")} ${dash.previous.from} – ${dash.previous.to}）` : "");
  // Waiting now and the 差评 backlog are not the period's figures: labelled so, and left out of the print.
  const live = new Set(["waiting", "open", "overdue"]);
  document.getElementById("figures").innerHTML = figures.map(([k, label, v, c]) =>
    `<div data-figure="${k}" class="${k === "overdue" && dash.cases_overdue ? "alarm" : ""} ${live.has(k) ? "no-print backlog" : ""}">${esc(label)}<b>${esc(v)}</b>${c}</div>`).join("");
}
async function load() {
  const from = document.getElementById("from").value, to = document.getElementById("to").value;
  try {
    dash = await api("GET", `/api/dashboard?from=${from}&to=${to}`);
    document.getElementById("rangeText").textContent = `${dash.from} – ${dash.to}`;
    document.getElementById("title").textContent = `${dash.hall} · ${t("title")}`;
    renderRanking(); renderCharts(); renderFigures();
    // The print view's own head: what, which period, when made (the live status line is not printed).
    document.getElementById("printTitle").textContent = `${dash.hall} 窗口服务评价考核表`;
    document.getElementById("printPeriod").textContent =
      `统计期：${dash.from} 至 ${dash.to}　　制表时间：${new Date().toLocaleString("zh-CN", { timeZone: hallZone(), hour12: false })}`;
    await loadCases();
    await loadCitizens();
    await loadAudit();
    if (drill) renderDrill().catch(() => {});
    document.body.dataset.loaded = `${dash.from}/${dash.to}`;
  } catch (e) { document.getElementById("status").textContent = e.message; }
}
/* ---- Drill-down: window → clerk → tickets → one ticket's history; and ticket lookup ---- */
let drill = null;
const range = () => `from=${document.getElementById("from").value}&to=${document.getElementById("to").value}`;
const time = v => v ? new Date(v).toLocaleString(lang === "zh" ? "zh-CN" : "en-GB", { timeZone: hallZone(), hour12: false }) : "–";
async function renderDrill() {
  if (!drill) return;
  const f = (drill.window ? `&window=${encodeURIComponent(drill.window)}` : "") + (drill.clerk ? `&clerk=${encodeURIComponent(drill.clerk)}` : "")
    + (drill.category ? `&category=${encodeURIComponent(drill.category)}` : "");
  const r = await api("GET", `/api/tickets?${range()}${f}`);
  const path = [];
  if (drill.window) path.push(`<button data-path="window">${esc(t("window"))} ${esc(drill.windowName || drill.window)}</button>`);
  if (drill.clerk) path.push(`<button data-path="clerk">${esc(t("clerk"))} ${esc(drill.clerkName || drill.clerk)}</button>`);
  if (drill.category) path.push(`<button data-path="category">${esc(t("category"))} ${esc(drill.categoryName || drill.category)}</button>`);
  document.getElementById("drillPath").innerHTML = path.join(" › ");
  let html = "";
  if (drill.window && !drill.clerk) {
    // The window's clerks in the range, each to be opened in turn.
    const by = new Map();
    for (const x of r.tickets) if (x.clerk) {
      const g = by.get(x.clerk) || { clerk: x.clerk, name: x.clerk_name, served: 0, rated: 0, bad: 0 };
      if (x.status === "served") g.served++;
      if (x.rating) { g.rated++; if (x.rating <= 2) g.bad++; }
      by.set(x.clerk, g);
    }
    html += `<table id="drillClerks"><thead><tr><th class="l">${t("clerk")}</th><th>${t("served")}</th><th>${t("rated")}</th><th>${t("bad")}</th></tr></thead><tbody>`
      + ([...by.values()].map(g => `<tr data-drill-clerk="${esc(g.clerk)}" data-name="${esc(g.name)}" style="cursor:pointer"><td class="l"><u>${esc(g.name)}</u></td><td>${g.served}</td><td>${g.rated}</td><td class="${g.bad ? "bad" : ""}">${g.bad}</td></tr>`).join("")
         || `<tr><td>${t("none")}</td></tr>`) + "</tbody></table>";
  }
  html += `<h2 style="margin-top:8px">${t("tickets")}（${r.total}）</h2><table id="drillTickets"><thead><tr>${["number", "day", "category", "status", "window", "clerk", "waitOne", "svcOne", "level"].map(c => `<th class="l">${esc(t(c))}</th>`).join("")}</tr></thead><tbody>`
    + (r.tickets.slice(0, 300).map(x => `<tr data-ticket="${esc(x.ticket)}" style="cursor:pointer"><td><u>${esc(x.number)}</u></td><td class="l">${esc(x.day)}</td><td class="l">${esc(x.category_name)}</td>
        <td class="l">${esc(lang === "zh" ? x.status_zh : x.status)}</td><td class="l">${esc(x.window ?? "")}</td><td class="l">${esc(x.clerk_name ?? "")}</td>
        <td class="l">${mins(x.wait_seconds)}</td><td class="l">${mins(x.service_seconds)}</td><td class="l ${x.rating && x.rating <= 2 ? "bad" : ""}">${esc(x.rating ? T[lang].levels[x.rating - 1] : "")}</td></tr>`).join("")
       || `<tr><td>${t("none")}</td></tr>`) + "</tbody></table>";
  document.getElementById("drillBody").innerHTML = html;
  document.getElementById("history").innerHTML = "";
  document.getElementById("drillSection").scrollIntoView({ block: "start" });
}
async function showHistory(id) {
  const list = document.getElementById("history");
  try {
    const r = await api("GET", `/api/tickets/${encodeURIComponent(id)}/history`);
    list.innerHTML = `<h2>${esc(r.ticket.number)} · ${esc(r.ticket.day)} · ${t("history")}</h2>` + r.events.map(e =>
      `<li data-kind="${esc(e.kind)}">${esc(time(e.at))}　${esc(e.what)}${e.clerk ? `　${esc(t("clerk"))}：${esc(e.clerk)}` : ""}　${esc(t("by"))}：${esc(e.source_zh)}</li>`).join("");
  } catch (err) { list.innerHTML = `<li class="bad">${esc(err.message)}</li>`; }
  list.scrollIntoView({ block: "nearest" });
}
document.getElementById("drillSection").addEventListener("click", e => {
  const c = e.target.closest("[data-drill-clerk]");
  if (c) { drill = Object.assign({}, drill, { clerk: c.dataset.drillClerk, clerkName: c.dataset.name }); renderDrill(); return; }
  const tk = e.target.closest("[data-ticket]");
  if (tk) { showHistory(tk.dataset.ticket); return; }
  const p = e.target.closest("[data-path]");
  if (p && p.dataset.path === "window") { drill = { window: drill.window, windowName: drill.windowName }; renderDrill(); }
});
document.getElementById("lookupGo").onclick = () => {
  const day = document.getElementById("lookupDay").value, number = document.getElementById("lookupNumber").value.trim().toUpperCase();
  if (!day || !number) { document.getElementById("history").innerHTML = `<li class="bad">${esc(t("lookupNeed"))}</li>`; return; }
  showHistory(`${day}/${number}`);
};
document.getElementById("lookupNumber").onkeydown = e => { if (e.key === "Enter") document.getElementById("lookupGo").click(); };

/* ---- Supervisor: windows, waiting tickets, the hall notice; every move is logged with the account ---- */
let confirmOut = null;
function renderSupervise() {
  const sec = document.getElementById("superviseSection");
  if (!me || !me.may.includes("supervise") || !state) { sec.classList.add("hidden"); return; }
  sec.classList.remove("hidden");
  document.getElementById("supWindows").innerHTML = `<tr><th class="l">${t("window")}</th><th class="l">${t("clerk")}</th><th class="l">${t("state")}</th><th class="l">${t("act")}</th></tr>`
    + state.windows.map(w => `<tr data-sup-window="${w.number}"><td>${esc(w.name)}</td><td class="l">${esc(w.clerk ? w.clerk.name : "–")}</td>
      <td class="l">${esc(T[lang].phases[w.phase] || w.phase)}</td><td class="l">
      ${w.clerk ? `<button data-sup="sign-out">${t("forceOut")}</button>` : ""}
      ${w.clerk && w.phase === "idle" ? `<button data-sup="pause">${t("pause")}</button>` : ""}
      ${w.phase === "paused" ? `<button data-sup="resume">${t("resume")}</button>` : ""}</td></tr>`).join("");
  const cats = state.categories.map(c => `<option value="${esc(c.code)}">${esc(c.name)}</option>`).join("");
  const wins = `<option value="">${esc(t("anyWindow"))}</option>` + state.windows.map(w => `<option value="${w.number}">${esc(w.name)}</option>`).join("");
  document.getElementById("supWaiting").innerHTML = `<tr><th class="l">${t("number")}</th><th class="l">${t("category")}</th><th class="l">${t("directed")}</th><th class="l">${t("move")}</th></tr>`
    + (state.waiting.map(x => `<tr data-sup-ticket="${esc(x.ticket)}"><td>${esc(x.number)}</td><td class="l">${esc((state.categories.find(c => c.code === x.category) || {}).name || x.category)}</td>
      <td class="l">${esc(x.directed_window ?? "")}</td><td class="l"><select name="category">${cats}</select> <select name="window">${wins}</select> <button data-sup="move">${t("move")}</button></td></tr>`).join("")
       || `<tr><td>${t("none")}</td></tr>`);
  for (const tr of document.querySelectorAll("#supWaiting tr[data-sup-ticket]")) {
    const x = state.waiting.find(w => w.ticket === tr.dataset.supTicket);
    tr.querySelector("select[name=category]").value = x.category;
    tr.querySelector("select[name=window]").value = x.directed_window ?? "";
  }
  document.getElementById("noticeNow").textContent = state.notice ? t("noticeShown") + state.notice.text : "";
}
async function supervise(path, body, what) {
  const msg = document.getElementById("supMessage");
  try {
    await api("POST", path, body || {});
    msg.className = "ok"; msg.textContent = t("done") + what;
  } catch (err) { msg.className = "bad"; msg.textContent = err.message; }
  loadLive();
}
document.getElementById("superviseSection").addEventListener("click", e => {
  const b = e.target.closest("button[data-sup]"); if (!b) return;
  const wr = b.closest("tr[data-sup-window]"), tr = b.closest("tr[data-sup-ticket]");
  if (wr) {
    const w = wr.dataset.supWindow, name = wr.cells[0].textContent;
    const live = state && state.windows.find(x => String(x.number) === w);
    if (b.dataset.sup === "sign-out" && live && live.serving) {
      // A clerk serving a citizen cannot be signed out: the step that frees the window, from this same dialog.
      const msg = document.getElementById("supMessage"); msg.className = "warn";
      msg.innerHTML = `${esc(name)}正在办理 ${esc(live.serving.number)}：请先 <button data-sup-step="no-show" data-w="${esc(w)}">过号</button> `
        + `或 <button data-sup-step="requeue" data-w="${esc(w)}">转回排队（任一窗口可叫）</button>，再强制签退`;
      return;
    }
    if (b.dataset.sup === "sign-out" && (!confirmOut || confirmOut.w !== w || Date.now() - confirmOut.at > 5000)) {
      confirmOut = { w, at: Date.now() };
      const msg = document.getElementById("supMessage"); msg.className = "warn"; msg.textContent = t("confirmOut").replace("{w}", name);
      return;
    }
    confirmOut = null;
    supervise(`/api/supervise/windows/${w}/${b.dataset.sup}`, {}, `${name} ${b.textContent}`);
  } else if (tr) {
    const category = tr.querySelector("select[name=category]").value, win = tr.querySelector("select[name=window]").value;
    supervise(`/api/supervise/tickets/${encodeURIComponent(tr.dataset.supTicket)}/move`, { to_category: category, to_window: win ? Number(win) : undefined },
              `${tr.cells[0].textContent} ${t("move")}`);
  }
});
document.getElementById("supMessage").addEventListener("click", e => {
  const b = e.target.closest("button[data-sup-step]"); if (!b) return;
  const w = b.dataset.w, live = state && state.windows.find(x => String(x.number) === w);
  supervise(`/api/supervise/windows/${w}/${b.dataset.supStep}`, {},
            `${w} 号窗口 ${live && live.serving ? live.serving.number + " " : ""}${b.dataset.supStep === "no-show" ? "过号" : "转回排队"}，可以强制签退了`);
});
document.getElementById("noticePost").onclick = () => {
  const text = document.getElementById("noticeText").value.trim(), until = document.getElementById("noticeUntil").value;
  const body = { text };
  if (until) { const d = new Date(); const [h, m] = until.split(":"); d.setHours(Number(h), Number(m), 0, 0); body.until = d.toISOString(); }
  supervise("/api/supervise/notice", body, t("noticePost"));
};
document.getElementById("noticeClear").onclick = () => supervise("/api/supervise/notice", { text: "" }, t("noticeClear"));

/* ---- The audit record (managers, admins) ---- */
async function loadAudit() {
  const sec = document.getElementById("auditSection");
  if (me && !me.may.includes("audit")) { sec.classList.add("hidden"); return; }
  try {
    const r = await api("GET", `/api/audit?${range()}`);
    sec.classList.remove("hidden");
    document.getElementById("audit").innerHTML = `<thead><tr>${["when", "actor", "role", "action", "target", "detail", "result"].map(c => `<th class="l">${esc(t(c))}</th>`).join("")}</tr></thead><tbody>`
      + (r.entries.slice(0, 200).map(a => `<tr data-action="${esc(a.action)}"><td class="l">${esc(time(a.at))}</td><td class="l ident">${esc(a.actor)}</td><td class="l">${esc(a.role_zh)}</td>
        <td class="l">${esc(a.action_zh)}</td><td class="l ident">${esc(a.target)}</td><td class="l">${esc(a.detail)}</td><td class="l ${a.ok ? "" : "bad"}">${esc(a.ok ? t("ok") : t("refused"))}</td></tr>`).join("")
         || `<tr><td>${t("none")}</td></tr>`) + "</tbody>";
    document.getElementById("auditExports").innerHTML = ` <a href="/api/export/audit.csv?${withToken(range())}">${t("csv")}</a>`;
  } catch (e) { if (e.status === 403) sec.classList.add("hidden"); }
}
function renderAccount() {
  if (!me) return;
  document.getElementById("account").innerHTML = `<span class="ident" data-account="${esc(me.login)}">${esc(me.name)}（${esc(lang === "zh" ? me.role_zh : me.role)}）</span>`
    + (me.may.includes("administer") ? `<a href="/admin">${esc(t("admin"))}</a>` : "") + `<button id="logout">${esc(t("logout"))}</button>`;
  document.getElementById("logout").onclick = async () => { try { await api("POST", "/api/logout"); } catch (e) {} location.href = "/login"; };
}
function applyLang() {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  for (const el of document.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
  document.getElementById("lang").textContent = lang === "zh" ? "English" : "中文";
  if (dash) document.getElementById("title").textContent = `${dash.hall} · ${t("title")}`;
  renderRanking(); renderCharts(); renderLive(); renderAlerts(); renderSupervise(); renderAccount(); loadCases().catch(() => {});
}
document.getElementById("lang").onclick = () => { lang = lang === "zh" ? "en" : "zh"; localStorage.setItem("counterd.lang", lang); applyLang(); };
document.getElementById("print").onclick = () => window.print();
for (const b of document.querySelectorAll("[data-range]")) b.onclick = () => setRange(b.dataset.range);
document.getElementById("from").onchange = load; document.getElementById("to").onchange = load;

/* True when the server refuses the token (401/403); false for a network fault or a server error. Asked of
   a plain request, not of the event stream: a probe stream would stay open against a server that is stopping. */
async function tokenRefused() {
  try {
    const r = await fetch(token ? "/api/state" : "/api/session", { cache: "no-store", headers: token ? { "Authorization": "Bearer " + token } : {} });
    return r.status === 401 || r.status === 403;
  } catch (e) { return false; }
}
function showBadToken() {
  const status = document.getElementById("status"), words = token ? t("badToken") : t("badSession");
  status.textContent = words;
  status.className = "bad";
  document.body.dataset.credential = "refused";
  document.getElementById("alerts").innerHTML = `<li class="bad">${esc(words)}${token ? "" : ` <a href="/login?next=/dashboard">${esc(t("relogin"))}</a>`}</li>`;
}

let liveTimer = null;
function soon() { clearTimeout(liveTimer); liveTimer = setTimeout(loadLive, 200); }
function connect() {
  const es = new EventSource(token ? "/api/events?token=" + encodeURIComponent(token) : "/api/events");
  es.onopen = () => { document.getElementById("status").textContent = t("live"); soon(); };
  // EventSource cannot see the status: ask once whether the token is refused, which is not a network fault.
  es.onerror = async () => {
    if (document.body.dataset.credential === "refused") { es.close(); return; }
    const status = document.getElementById("status");
    status.textContent = t("down");
    if (await tokenRefused()) { es.close(); showBadToken(); }
  };
  for (const k of ["ticket_issued", "ticket_called", "ticket_finished", "ticket_no_show", "ticket_transferred", "clerk_signed_in", "clerk_signed_out",
                   "window_paused", "window_resumed", "device_connected", "device_lost", "ticket_rated", "ticket_moved", "notice_posted"]) es.addEventListener(k, soon);
  const onAlert = e => {
    const d = JSON.parse(e.data);
    alertsSeen.set(d.alert, { key: d.alert, kind: d.reason, message: d.note, at: Date.parse(d.at), cleared: e.type === "alert_cleared" });
    renderAlerts();
  };
  es.addEventListener("alert_raised", onAlert); es.addEventListener("alert_cleared", onAlert);
  es.addEventListener("case_opened", () => loadCases().catch(() => {}));
}
(async () => {
  const params = new URLSearchParams(location.search);
  // No token in the address: the person signs in (and comes back here); the session cookie does the rest.
  if (!token) {
    try {
      const r = await fetch("/api/session", { cache: "no-store" });
      if (r.status === 401) { location.href = "/login?next=" + encodeURIComponent(location.pathname + location.search); return; }
      me = await r.json();
    } catch (e) {}
  }
  document.getElementById("lookupDay").value = new Date(Date.now() - new Date().getTimezoneOffset() * 60000).toISOString().slice(0, 10);
  if (params.get("lang")) lang = params.get("lang") === "en" ? "en" : "zh";
  let alertsError = null;
  // Today's alerts from the log (raised and cleared, with their times), then the ones active now.
  try {
    const r = await api("GET", "/api/alerts");
    for (const a of r.today || []) alertsSeen.set(a.key, { key: a.key, kind: a.kind, message: a.message, at: Date.parse(a.raised_at), cleared: !!a.cleared_at });
    for (const a of r.alerts) if (!alertsSeen.has(a.key)) alertsSeen.set(a.key, { key: a.key, kind: a.kind, message: a.message, at: Date.now(), cleared: false });
  }
  catch (e) { alertsError = e; }
  applyLang();
  try { hallToday = (await api("GET", "/api/state")).day || null; } catch (e) {}
  if (hallToday) document.getElementById("lookupDay").value = hallToday;
  if (params.get("from")) { document.getElementById("from").value = params.get("from"); document.getElementById("to").value = params.get("to") || params.get("from"); load(); }
  else setRange("month");
  loadLive(); connect(); setInterval(loadLive, 15000);
  if (alertsError && (alertsError.status === 401 || alertsError.status === 403)) showBadToken();
  else if (alertsError) document.getElementById("alerts").innerHTML = `<li class="warn">${esc(t("alertsUnknown") + alertsError.message)}</li>`;
})();

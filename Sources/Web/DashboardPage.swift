/// The managers' dashboard (/dashboard?token=MANAGER): today live, the range's rankings and charts, 差评
/// cases and supervision alerts. Charts are SVG drawn by the page itself; nothing is loaded from elsewhere.
/// Chinese first with an English switch; prints on A4 (the ranking tables and charts, not the live parts).
enum DashboardPage {
    static let html = ##"""
<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>窗口服务评价看板</title>
<style>
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px/1.45 "Noto Sans CJK SC", "WenQuanYi Zen Hei", "Microsoft YaHei", "PingFang SC", sans-serif; color: #14233b; background: #eef2f8; }
  header { background: #0b3a75; color: #fff; padding: 8px 14px; display: flex; flex-wrap: wrap; gap: 10px; align-items: center; }
  header h1 { font-size: 17px; margin: 0 12px 0 0; }
  header input, header button, select { font: inherit; padding: 3px 6px; }
  header button { background: #fff; color: #0b3a75; border: 0; border-radius: 4px; cursor: pointer; }
  main { padding: 10px 14px; display: grid; gap: 12px; }
  section { background: #fff; border-radius: 8px; padding: 10px 12px; box-shadow: 0 1px 3px #0b3a7522; overflow-x: auto; }
  h2 { font-size: 15px; margin: 0 0 8px; color: #0b3a75; }
  .grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
  @media (max-width: 1100px) { .grid2 { grid-template-columns: 1fr; } }
  table { border-collapse: collapse; width: 100%; font-size: 13px; }
  th, td { padding: 3px 6px; border-bottom: 1px solid #e3e9f2; text-align: right; white-space: nowrap; }
  th:first-child, td:first-child, th.l, td.l { text-align: left; }
  th { background: #f4f7fb; cursor: pointer; user-select: none; }
  th.sorted::after { content: " ▾"; } th.sorted.asc::after { content: " ▴"; }
  .bad, .overdue td { color: #b3261e; font-weight: 600; }
  .warn { color: #9a6700; }
  .ok { color: #1b7a3a; }
  #alerts li { margin: 2px 0; }
  #alerts li.cleared { color: #7a8699; text-decoration: line-through; }
  svg text { font-size: 11px; fill: #42526b; }
  .legend span { display: inline-block; margin-right: 10px; font-size: 12px; }
  .legend i { display: inline-block; width: 10px; height: 10px; margin-right: 3px; vertical-align: middle; }
  .case-actions input { width: 9em; } .case-actions button { font: inherit; }
  .tabs button { font: inherit; padding: 3px 10px; border: 1px solid #9fb3d1; background: #f7faff; border-radius: 4px; cursor: pointer; }
  .tabs button.on { background: #0b3a75; color: #fff; }
  #status { font-size: 12px; opacity: .85; }
  @page { size: A4; margin: 12mm; }
  @media print {
    body { background: #fff; font-size: 11px; }
    header { background: none; color: #000; padding: 0 0 6px; border-bottom: 2px solid #000; }
    header .controls, .no-print, .case-actions, .tabs { display: none !important; }
    main { padding: 0; gap: 8px; }
    section { box-shadow: none; padding: 0; break-inside: avoid; }
    .grid2 { grid-template-columns: 1fr 1fr; }
    th { background: #eee; }
  }
</style>
</head>
<body>
<header>
  <h1 id="title" data-t="title">窗口服务评价看板</h1>
  <span class="controls">
    <input type="date" id="from"> – <input type="date" id="to">
    <button data-range="today" data-t="today">今天</button>
    <button data-range="week" data-t="week">本周</button>
    <button data-range="month" data-t="month">本月</button>
    <button data-range="lastmonth" data-t="lastmonth">上月</button>
    <button id="lang">English</button>
    <button id="print" data-t="print">打印</button>
  </span>
  <span id="status"></span>
</header>
<main>
  <div class="grid2 no-print" id="live">
    <section><h2 data-t="liveQueues">今日实时 · 排队</h2><table id="queues"></table>
      <h2 style="margin-top:10px" data-t="devices">设备状态</h2><table id="devices"></table></section>
    <section><h2 data-t="liveWindows">今日实时 · 窗口</h2><table id="windowsLive"></table></section>
  </div>
  <section class="no-print"><h2 data-t="alerts">监察预警</h2><ul id="alerts"></ul></section>
  <section>
    <h2><span data-t="ranking">评价排名</span> <span id="rangeText"></span></h2>
    <div class="tabs no-print">
      <button data-scope="windows" class="on" data-t="byWindow">按窗口</button>
      <button data-scope="clerks" data-t="byClerk">按工作人员</button>
      <button data-scope="categories" data-t="byCategory">按业务</button>
      <span id="exports"></span>
    </div>
    <table id="ranking"></table>
  </section>
  <div class="grid2">
    <section><h2 data-t="chartDaily">满意率与得分（按日）</h2><div id="chartDaily"></div></section>
    <section><h2 data-t="chartLevels">评价等级（按日）</h2><div id="chartLevels"></div></section>
    <section><h2 data-t="chartWait">等候时长分布</h2><div id="chartWait"></div></section>
    <section><h2 data-t="chartHours">各时段办结量</h2><div id="chartHours"></div></section>
  </div>
  <section>
    <h2><span data-t="cases">差评回访整改</span> <span id="caseCounts"></span></h2>
    <div class="tabs no-print">
      <button data-cases="open" class="on" data-t="casesOpen">未办结</button>
      <button data-cases="overdue" data-t="casesOverdue">已超期</button>
      <button data-cases="all" data-t="casesAll">本期全部</button>
      <span id="caseExports"></span>
    </div>
    <table id="cases"></table>
  </section>
</main>
<script>
"use strict";
const token = new URLSearchParams(location.search).get("token") || "";
const T = {
  zh: { title: "窗口服务评价看板", today: "今天", week: "本周", month: "本月", lastmonth: "上月", print: "打印", liveQueues: "今日实时 · 排队",
        devices: "设备状态", liveWindows: "今日实时 · 窗口", alerts: "监察预警", ranking: "评价排名", byWindow: "按窗口", byClerk: "按工作人员",
        byCategory: "按业务", chartDaily: "满意率与得分（按日）", chartLevels: "评价等级（按日）", chartWait: "等候时长分布", chartHours: "各时段办结量",
        cases: "差评回访整改", casesOpen: "未办结", casesOverdue: "已超期", casesAll: "本期全部",
        rank: "排名", name: "名称", served: "办结", rated: "评价数", sat: "满意率", score: "得分", part: "参评率", wait: "平均等候", svc: "平均办理",
        imm: "即办率", ncases: "差评工单", overdue: "超期", category: "业务", waiting: "等候", longest: "最长等候", window: "窗口", clerk: "工作人员",
        state: "状态", current: "当前号", device: "设备", health: "状态", note: "提示", none: "无",
        number: "号码", level: "评价", opened: "评价时间", due: "办结期限", left: "剩余工作日", caseState: "进度", act: "操作",
        contact: "登记回访", rectify: "登记整改", close: "办结", method: "方式", said: "群众意见", rnote: "整改说明", cnote: "办结说明",
        satLine: "满意率 %", scoreLine: "得分", minutes: "分钟", more: "以上", csv: "CSV", xlsx: "Excel", noData: "本期无数据",
        phases: { closed: "未开窗", idle: "空闲", serving: "办理中", paused: "暂停", awaiting_rating: "等待评价" },
        levels: ["非常不满意", "不满意", "基本满意", "满意", "非常满意"], live: "实时连接正常", down: "连接中断，重连中…" },
  en: { title: "Window service dashboard", today: "Today", week: "This week", month: "This month", lastmonth: "Last month", print: "Print",
        liveQueues: "Live today · queues", devices: "Devices", liveWindows: "Live today · windows", alerts: "Supervision alerts", ranking: "Ranking",
        byWindow: "Windows", byClerk: "Clerks", byCategory: "Services", chartDaily: "Satisfaction and score per day", chartLevels: "Ratings per level per day",
        chartWait: "Waiting-time distribution", chartHours: "Served per hour of day", cases: "Bad-rating follow-up", casesOpen: "Not closed",
        casesOverdue: "Overdue", casesAll: "All in range", rank: "Rank", name: "Name", served: "Served", rated: "Rated", sat: "Satisfied",
        score: "Score", part: "Rated %", wait: "Mean wait", svc: "Mean service", imm: "Immediate", ncases: "Cases", overdue: "Overdue",
        category: "Service", waiting: "Waiting", longest: "Longest wait", window: "Window", clerk: "Clerk", state: "State", current: "Ticket",
        device: "Device", health: "State", note: "Note", none: "none", number: "Ticket", level: "Rating", opened: "Rated at", due: "Due",
        left: "Working days left", caseState: "Progress", act: "Action", contact: "Record contact", rectify: "Record rectification",
        close: "Close", method: "How", said: "Citizen said", rnote: "What changed", cnote: "Closing note", satLine: "Satisfied %",
        scoreLine: "Score", minutes: "min", more: "more", csv: "CSV", xlsx: "Excel", noData: "No data in this range",
        phases: { closed: "closed", idle: "idle", serving: "serving", paused: "paused", awaiting_rating: "awaiting rating" },
        levels: ["very dissatisfied", "dissatisfied", "basically satisfied", "satisfied", "very satisfied"], live: "live", down: "connection lost, reconnecting…" },
};
let lang = localStorage.getItem("counterd.lang") || "zh";
const t = k => T[lang][k] ?? k;
const esc = s => String(s ?? "").replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"})[c]);
const pct = v => v === null || v === undefined ? "–" : (v * 100).toFixed(1) + "%";
const num = (v, d = 1) => v === null || v === undefined ? "–" : Number(v).toFixed(d);
const mins = s => s === null || s === undefined ? "–" : (s / 60).toFixed(1) + " " + t("minutes");
async function api(method, path, body) {
  const r = await fetch(path, { method, cache: "no-store", headers: Object.assign({ "Authorization": "Bearer " + token },
    body ? { "Content-Type": "application/json" } : {}), body: body ? JSON.stringify(body) : undefined });
  const data = await r.json().catch(() => null);
  if (!r.ok) throw new Error((data && data.error && (lang === "zh" ? data.error.message_zh : data.error.message_en)) || ("HTTP " + r.status));
  return data;
}
const colors = ["#b3261e", "#e8710a", "#f9ab00", "#5bb974", "#1e8e3e"];
let dash = null, scope = "windows", sortCol = "rank", sortAsc = true, caseFilter = "open", state = null;
const alertsSeen = new Map();

function fmtDay(d) { return d.toISOString().slice(0, 10); }
function localDay(offsetDays = 0) { const d = new Date(); d.setDate(d.getDate() + offsetDays); return new Date(d.getTime() - d.getTimezoneOffset() * 60000); }
function setRange(kind) {
  const today = localDay(); let from = today, to = today;
  if (kind === "week") { const wd = (today.getUTCDay() + 6) % 7; from = new Date(today.getTime() - wd * 86400000); }
  if (kind === "month") from = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), 1));
  if (kind === "lastmonth") { from = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 1, 1)); to = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), 0)); }
  document.getElementById("from").value = fmtDay(from); document.getElementById("to").value = fmtDay(to);
  load();
}

const columns = {
  windows: ["rank", "name", "served", "rated", "satisfaction_rate", "score", "participation_rate", "mean_wait_seconds", "mean_service_seconds", "immediate_rate", "cases", "overdue_cases"],
  clerks: ["rank", "name", "served", "rated", "satisfaction_rate", "score", "participation_rate", "mean_wait_seconds", "mean_service_seconds", "immediate_rate", "cases", "overdue_cases"],
  categories: ["rank", "name", "served", "rated", "satisfaction_rate", "score", "participation_rate", "mean_wait_seconds", "mean_service_seconds", "immediate_rate"],
};
const heads = { rank: "rank", name: "name", served: "served", rated: "rated", satisfaction_rate: "sat", score: "score", participation_rate: "part",
  mean_wait_seconds: "wait", mean_service_seconds: "svc", immediate_rate: "imm", cases: "ncases", overdue_cases: "overdue" };
function cell(col, r) {
  const v = r[col];
  if (col.endsWith("_rate")) return pct(v);
  if (col === "score") return num(v);
  if (col.endsWith("_seconds")) return mins(v);
  if (col === "overdue_cases") return v ? `<span class="bad">${v}</span>` : (v ?? "–");
  return esc(v ?? "–");
}
function renderRanking() {
  if (!dash) return;
  const rows = dash[scope].slice().sort((a, b) => {
    const x = a[sortCol], y = b[sortCol];
    const c = (x === null || x === undefined) - (y === null || y === undefined) || (typeof x === "string" ? x.localeCompare(y) : x - y);
    return sortAsc ? c : -c;
  });
  const cols = columns[scope];
  document.getElementById("ranking").innerHTML =
    `<thead><tr>${cols.map(c => `<th data-col="${c}" class="${c === "name" ? "l" : ""} ${c === sortCol ? "sorted" + (sortAsc ? " asc" : "") : ""}">${esc(t(heads[c]))}</th>`).join("")}</tr></thead>` +
    `<tbody>${rows.map(r => `<tr data-key="${esc(r.key)}">${cols.map(c => `<td data-col="${c}" data-value="${esc(r[c] ?? "")}" class="${c === "name" ? "l" : ""}">${cell(c, r)}</td>`).join("")}</tr>`).join("")
      || `<tr><td>${esc(t("noData"))}</td></tr>`}</tbody>`;
  const q = `from=${dash.from}&to=${dash.to}&token=${encodeURIComponent(token)}`;
  document.getElementById("exports").innerHTML = ` <a href="/api/export/${scope}.csv?${q}">${t("csv")}</a> · <a href="/api/export/${scope}.xlsx?${q}">${t("xlsx")}</a>`;
}
document.getElementById("ranking").addEventListener("click", e => {
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
  const wl = dash.wait_histogram.map(b => b.upper_seconds === null ? "60+" : String(b.upper_seconds / 60));
  barChart("chartWait", wl, [dash.wait_histogram.map(b => b.count)], [t("minutes")], ["#4f7cc4"]);
  barChart("chartHours", dash.served_by_hour.map((_, h) => String(h)), [dash.served_by_hour], [t("served")], ["#0b3a75"]);
}

async function loadCases() {
  const q = `from=${document.getElementById("from").value}&to=${document.getElementById("to").value}`;
  const r = await api("GET", `/api/cases?state=${caseFilter}&${q}`);
  const cols = ["number", "window", "clerk", "level", "opened", "due", "left", "caseState", "act"];
  document.getElementById("cases").innerHTML = `<thead><tr>${cols.map(c => `<th class="l">${esc(t(c))}</th>`).join("")}</tr></thead><tbody>` +
    (r.cases.map(c => `<tr class="${c.overdue ? "overdue" : ""}" data-case="${esc(c.id)}" data-state="${esc(c.state)}">
      <td>${esc(c.number)}<br><small>${esc(c.day)}</small></td><td class="l">${esc(c.window_name || c.window || "")}</td><td class="l">${esc(c.clerk_name || c.clerk || "")}</td>
      <td class="l bad">${esc(T[lang].levels[c.level - 1])}</td><td class="l">${new Date(c.opened_at).toLocaleString(lang === "zh" ? "zh-CN" : "en-GB")}</td>
      <td class="l">${esc(c.due_day)}</td><td>${c.state === "closed" ? "–" : c.working_days_left}</td>
      <td class="l">${esc(lang === "zh" ? c.state_name : c.state)}${c.citizen_said ? `<br><small>${esc(c.contact_method)}：${esc(c.citizen_said)}</small>` : ""}${c.rectify_note ? `<br><small>${esc(c.rectify_note)}</small>` : ""}</td>
      <td class="l case-actions">${caseForm(c)}</td></tr>`).join("") || `<tr><td>${esc(t("none"))}</td></tr>`) + "</tbody>";
  document.getElementById("caseCounts").textContent = dash ? `（${t("casesOpen")} ${dash.cases_open} · ${t("casesOverdue")} ${dash.cases_overdue}）` : "";
  const qt = `${q}&token=${encodeURIComponent(token)}`;
  document.getElementById("caseExports").innerHTML = ` <a href="/api/export/cases.csv?${qt}">${t("csv")}</a> · <a href="/api/export/cases.xlsx?${qt}">${t("xlsx")}</a>`;
}
function caseForm(c) {
  if (c.state === "open") return `<input name="method" placeholder="${esc(t("method"))}" value="电话"><input name="said" placeholder="${esc(t("said"))}"><button data-do="contact">${esc(t("contact"))}</button>`;
  if (c.state === "contacted") return `<input name="note" placeholder="${esc(t("rnote"))}"><button data-do="rectify">${esc(t("rectify"))}</button>`;
  if (c.state === "rectified") return `<input name="note" placeholder="${esc(t("cnote"))}"><button data-do="close">${esc(t("close"))}</button>`;
  return "";
}
document.getElementById("cases").addEventListener("click", async e => {
  const b = e.target.closest("button[data-do]"); if (!b) return;
  const tr = b.closest("tr"), f = n => (tr.querySelector(`input[name=${n}]`) || {}).value || "";
  const body = b.dataset.do === "contact" ? { method: f("method"), citizen_said: f("said") } : { note: f("note") };
  try { await api("POST", `/api/cases/${tr.dataset.case}/${b.dataset.do}`, body); } catch (err) { alert(err.message); }
  load();
});
for (const b of document.querySelectorAll("[data-cases]")) b.onclick = () => {
  caseFilter = b.dataset.cases; for (const x of document.querySelectorAll("[data-cases]")) x.classList.toggle("on", x === b); loadCases();
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
    (state.devices.map(d => `<tr><td>${esc(d.id)}</td><td class="l ${d.state === "connected" ? "ok" : "bad"}">${esc(d.state)}</td><td class="l warn">${esc(d.warning || d.last_error || "")}</td></tr>`).join("")
      || `<tr><td>${t("none")}</td></tr>`);
}
function renderAlerts() {
  const items = [...alertsSeen.values()].sort((a, b) => b.at - a.at).slice(0, 30);
  document.getElementById("alerts").innerHTML = items.map(a => `<li class="${a.cleared ? "cleared" : ""} ${a.kind === "bad_rating" ? "bad" : ""}" data-alert="${esc(a.key)}">
    ${new Date(a.at).toLocaleTimeString(lang === "zh" ? "zh-CN" : "en-GB")} ${esc(a.message)}</li>`).join("") || `<li>${t("none")}</li>`;
}
async function loadLive() {
  try { state = await api("GET", "/api/state"); renderLive(); } catch (e) {}
}
async function load() {
  const from = document.getElementById("from").value, to = document.getElementById("to").value;
  try {
    dash = await api("GET", `/api/dashboard?from=${from}&to=${to}`);
    document.getElementById("rangeText").textContent = `${dash.from} – ${dash.to}`;
    document.getElementById("title").textContent = `${dash.hall} · ${t("title")}`;
    renderRanking(); renderCharts();
    await loadCases();
    document.body.dataset.loaded = `${dash.from}/${dash.to}`;
  } catch (e) { document.getElementById("status").textContent = e.message; }
}
function applyLang() {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  for (const el of document.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
  document.getElementById("lang").textContent = lang === "zh" ? "English" : "中文";
  if (dash) document.getElementById("title").textContent = `${dash.hall} · ${t("title")}`;
  renderRanking(); renderCharts(); renderLive(); renderAlerts(); loadCases().catch(() => {});
}
document.getElementById("lang").onclick = () => { lang = lang === "zh" ? "en" : "zh"; localStorage.setItem("counterd.lang", lang); applyLang(); };
document.getElementById("print").onclick = () => window.print();
for (const b of document.querySelectorAll("[data-range]")) b.onclick = () => setRange(b.dataset.range);
document.getElementById("from").onchange = load; document.getElementById("to").onchange = load;

let liveTimer = null;
function soon() { clearTimeout(liveTimer); liveTimer = setTimeout(loadLive, 200); }
function connect() {
  const es = new EventSource("/api/events?token=" + encodeURIComponent(token));
  es.onopen = () => { document.getElementById("status").textContent = t("live"); soon(); };
  es.onerror = () => { document.getElementById("status").textContent = t("down"); };
  for (const k of ["ticket_issued", "ticket_called", "ticket_finished", "ticket_no_show", "ticket_transferred", "clerk_signed_in", "clerk_signed_out",
                   "window_paused", "window_resumed", "device_connected", "device_lost", "ticket_rated"]) es.addEventListener(k, soon);
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
  if (params.get("lang")) lang = params.get("lang") === "en" ? "en" : "zh";
  try { for (const a of (await api("GET", "/api/alerts")).alerts) alertsSeen.set(a.key, { key: a.key, kind: a.kind, message: a.message, at: Date.now(), cleared: false }); } catch (e) {}
  applyLang();
  if (params.get("from")) { document.getElementById("from").value = params.get("from"); document.getElementById("to").value = params.get("to") || params.get("from"); load(); }
  else setRange("month");
  loadLive(); connect(); setInterval(loadLive, 15000);
})();
</script>
</body>
</html>
"""##
}

"use strict";
// The manager token stays out of URLs the server sees: it comes in the fragment (#token=…) or is asked for once.
const fragment = new URLSearchParams(location.hash.slice(1));
let token = fragment.get("token") || sessionStorage.getItem("districtToken") || "";
if (fragment.get("token")) { sessionStorage.setItem("districtToken", token); history.replaceState(null, "", location.pathname + location.search); }
if (!token) { token = prompt("请输入区级管理令牌") || ""; sessionStorage.setItem("districtToken", token); }
const levelNames = { district: "区级", street: "街道", community: "社区" };
const stateNames = { ok: "正常", lagging: "补传中", offline: "离线", silent: "营业时间无数据", never: "未接入" };
const state = { level: "street", hall: null, drillScope: "windows", acrossScope: "windows", links: {}, cases: [] };
const $ = id => document.getElementById(id);
const esc = s => String(s ?? "").replace(/[&<>"]/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
const pct = v => v == null ? "—" : (v * 100).toFixed(1) + "%";
const num = (v, d = 1) => v == null ? "—" : Number(v).toFixed(d);
const secs = v => v == null ? "—" : v < 60 ? Math.round(v) + "秒" : (v / 60).toFixed(1) + "分";

async function api(path) {
  const r = await fetch(path, { cache: "no-store", headers: { "Authorization": "Bearer " + token } });
  if (r.status === 401) throw new Error("区级管理令牌无效或缺失：请在地址后加 #token=令牌 重新打开（不是网络故障）");
  if (!r.ok) { let m = ""; try { m = (await r.json()).error?.message || ""; } catch (e) {} throw new Error(`服务器返回 ${r.status}：${m}`); }
  return r.json();
}
function showError(e) { $("error").style.display = "block"; $("error").textContent = e.message || String(e); }
function ymd(d) { return d.toLocaleDateString("sv-SE", { timeZone: "Asia/Shanghai" }); }
function setRange(kind) {
  const today = ymd(new Date()), [y, m] = today.split("-").map(Number);
  let from = today, to = today;
  if (kind === "month") from = today.slice(0, 8) + "01";
  if (kind === "year") from = y + "-01-01";
  if (kind === "lastmonth") {
    const py = m === 1 ? y - 1 : y, pm = m === 1 ? 12 : m - 1, last = new Date(Date.UTC(py, pm, 0)).getUTCDate();
    from = `${py}-${String(pm).padStart(2, "0")}-01`; to = `${py}-${String(pm).padStart(2, "0")}-${last}`;
  }
  $("from").value = from; $("to").value = to; load();
}
const q = () => `from=${$("from").value}&to=${$("to").value}`;

function reportCells(r) {
  return `<td data-col="served" data-value="${r.served}">${r.served}</td><td>${r.no_shows}</td><td data-col="mean_wait_seconds" data-value="${r.mean_wait_seconds ?? ""}">${secs(r.mean_wait_seconds)}</td>
    <td>${secs(r.p90_wait_seconds)}</td><td>${r.rated}</td><td>${pct(r.participation_rate)}</td>
    <td data-col="satisfaction_rate" data-value="${r.satisfaction_rate ?? ""}">${pct(r.satisfaction_rate)}</td><td data-col="score" data-value="${r.score ?? ""}">${num(r.score)}</td>
    <td>${pct(r.immediate_rate)}</td>`;
}
const reportHead = `<th>办结</th><th>过号</th><th>平均等候</th><th>90%等候</th><th>评价数</th><th>参评率</th><th>满意率</th><th>得分</th><th>即办率</th>`;

function renderHalls(rows) {
  const mine = rows.filter(r => r.level === state.level);
  // 上级 by name, as people know the halls (the id is for machines); an unknown id is shown as it is.
  const names = Object.fromEntries(rows.map(r => [r.hall_id, r.hall_name]));
  $("halls").innerHTML = `<thead><tr><th>排名</th><th class="l">大厅</th><th class="l">上级</th>${reportHead}<th>差评</th><th>未办结</th><th>超期</th><th>回访率</th><th class="l">链路</th></tr></thead><tbody>` +
    mine.map(r => { const l = state.links[r.hall_id] || {}, rep = r.report;
      return `<tr data-hall="${esc(r.hall_id)}"><td data-col="rank" data-value="${rep.rank}">${rep.rank}</td><td class="l">${esc(r.hall_name)}</td><td class="l">${esc(r.parent ? (names[r.parent] || r.parent) : "")}</td>${reportCells(rep)}
        <td>${rep.cases ?? 0}</td><td>${r.cases_open ?? 0}</td><td class="${rep.overdue_cases ? "bad" : ""}">${rep.overdue_cases ?? 0}</td><td>${pct(r.follow_up_rate)}</td>
        <td class="l ${l.state === "ok" ? "ok" : l.state === "silent" ? "bad" : "warn"}" data-col="link" data-value="${esc(l.state || "")}">${esc(stateNames[l.state] || "—")}${l.lag_events ? "（待补传 " + l.lag_events + "）" : ""}</td></tr>`; }).join("") +
    (mine.length ? "" : `<tr><td colspan="17" class="l">本级没有大厅</td></tr>`) + "</tbody>";
  for (const tr of $("halls").querySelectorAll("tr[data-hall]")) tr.onclick = () => drill(tr.dataset.hall);
}

function renderFigures(rows) {
  let served = 0, rated = 0, good = 0, immediate = 0, scoreSum = 0, cases = 0, open = 0, overdue = 0;
  for (const r of rows) { const p = r.report; served += p.served; rated += p.rated; good += p.ratings[3] + p.ratings[4];
    immediate += (p.outcomes?.immediate || 0); scoreSum += (p.score || 0) * p.rated; cases += p.cases || 0; open += r.cases_open || 0; overdue += p.overdue_cases || 0; }
  const silent = Object.values(state.links).filter(l => l.state === "silent").length;
  const f = [["大厅", rows.length], ["办结", served], ["满意率", rated ? pct(good / rated) : "—"], ["参评率", served ? pct(rated / served) : "—"],
             ["得分", rated ? num(scoreSum / rated) : "—"], ["即办率", served ? pct(immediate / served) : "—"], ["差评工单", cases], ["未办结", open], ["超期", overdue], ["营业时间无数据", silent]];
  $("figures").innerHTML = f.map(([k, v]) => `<div data-figure="${k}">${k}<b>${v}</b></div>`).join("");
}

function renderAlerts(links) {
  const bad = links.filter(l => l.state !== "ok");
  $("alerts").innerHTML = bad.length ? bad.map(l => `<li class="${l.state === "silent" ? "bad" : "warn"}" data-hall="${esc(l.hall_id)}">${esc(l.name)}：${esc(l.message)}</li>`).join("") : "<li class='ok'>全部大厅链路正常</li>";
}

function caseRows(list) {
  return `<thead><tr><th class="l">大厅</th><th class="l">号码</th><th class="l">日期</th><th class="l">窗口</th><th class="l">工作人员</th><th>评价</th><th class="l">期限</th><th class="l">进度</th><th>回访</th></tr></thead><tbody>` +
    list.map(c => `<tr class="${c.overdue ? "bad" : ""}"><td class="l">${esc(c.hall_name)}</td><td class="l">${esc(c.number)}</td><td class="l">${esc(c.day)}</td><td class="l">${esc(c.window_name || c.window || "")}</td>
      <td class="l">${esc(c.clerk_name || c.clerk || "")}</td><td>${["", "非常不满意", "不满意", "基本满意", "满意", "非常满意"][c.level] || c.level}</td><td class="l">${esc(c.due_day)}${c.overdue ? "（超期）" : ""}</td>
      <td class="l">${({ open: "待回访", contacted: "已回访", rectified: "已整改", closed: "已办结" })[c.state] || esc(c.state)}</td><td>${c.contacted ? "是" : "否"}</td></tr>`).join("") + "</tbody>";
}

async function drill(hall, scope) {
  state.hall = hall; if (scope) state.drillScope = scope;
  const row = state.hallRows.find(r => r.hall_id === hall);
  $("drill").hidden = false;
  $("crumbs").innerHTML = `› <a id="crumbHall">${esc(row?.hall_name || hall)}</a>`;
  $("drillTitle").textContent = `${row?.hall_name || hall} · ${({ windows: "窗口", clerks: "工作人员", categories: "业务" })[state.drillScope]}评价`;
  for (const b of $("drillTabs").children) b.classList.toggle("on", b.dataset.scope === state.drillScope);
  const data = await api(`/api/v1/report?scope=${state.drillScope}&hall=${encodeURIComponent(hall)}&${q()}`);
  $("drillTable").innerHTML = `<thead><tr><th>排名</th><th class="l">名称</th>${reportHead}<th>差评</th><th>超期</th></tr></thead><tbody>` +
    data.rows.map(r => `<tr data-key="${esc(r.key)}"><td>${r.rank}</td><td class="l">${esc(r.name)}</td>${reportCells(r)}<td>${r.cases ?? ""}</td><td>${r.overdue_cases ?? ""}</td></tr>`).join("") + "</tbody>";
  const own = state.cases.filter(c => c.hall_id === hall);
  const showCases = key => {
    const list = key == null ? own : own.filter(c => state.drillScope === "windows" ? String(c.window) === key : state.drillScope === "clerks" ? c.clerk === key : c.category === key);
    $("drillCasesTitle").textContent = key == null ? "该厅差评工单" : `差评工单 · ${key}`;
    $("drillCases").innerHTML = caseRows(list);
  };
  for (const tr of $("drillTable").querySelectorAll("tr[data-key]")) tr.onclick = () => showCases(tr.dataset.key);
  showCases(null);
  document.body.dataset.drilled = hall + "/" + state.drillScope;
}

async function renderAcross() {
  for (const b of $("acrossTabs").children) b.classList.toggle("on", b.dataset.scope === state.acrossScope);
  const data = await api(`/api/v1/report?scope=${state.acrossScope}&${q()}`);
  $("across").innerHTML = `<thead><tr><th>排名</th><th class="l">大厅</th><th class="l">名称</th>${reportHead}</tr></thead><tbody>` +
    data.rows.slice(0, 200).map(r => `<tr data-key="${esc(r.report.key)}"><td>${r.report.rank}</td><td class="l">${esc(r.hall_name)}</td><td class="l">${esc(r.report.name)}</td>${reportCells(r.report)}</tr>`).join("") + "</tbody>";
}

async function load() {
  try {
    $("error").style.display = "none";
    $("rangeText").textContent = `${$("from").value} 至 ${$("to").value}`;
    const [halls, links, cases] = await Promise.all([api(`/api/v1/report?scope=halls&${q()}`), api("/api/v1/halls"), api(`/api/v1/cases?${q()}`)]);
    state.links = Object.fromEntries(links.halls.map(l => [l.hall_id, l]));
    state.hallRows = halls.rows; state.cases = cases.cases;
    renderFigures(halls.rows); renderAlerts(links.halls); renderHalls(halls.rows);
    $("cases").innerHTML = caseRows(cases.cases.filter(c => c.state !== "closed"));
    $("caseCounts").textContent = `（未办结 ${cases.cases.filter(c => c.state !== "closed").length}，超期 ${cases.cases.filter(c => c.overdue).length}）`;
    await renderAcross();
    if (state.hall) await drill(state.hall);
    $("status").textContent = "更新于 " + new Date().toLocaleTimeString("zh-CN", { timeZone: "Asia/Shanghai" });
    document.body.dataset.loaded = `${$("from").value}/${$("to").value}`;
  } catch (e) { showError(e); }
}

async function download(kind) {
  try {
    const r = await fetch(`/api/v1/export/assessment.${kind}?${q()}`, { headers: { "Authorization": "Bearer " + token } });
    if (!r.ok) throw new Error(r.status === 401 ? "区级管理令牌无效：无法导出" : "导出失败：HTTP " + r.status);
    const a = document.createElement("a");
    a.href = URL.createObjectURL(await r.blob()); a.download = `区级考核表-${$("from").value}-${$("to").value}.${kind}`; a.click();
  } catch (e) { showError(e); }
}

for (const b of document.querySelectorAll("[data-range]")) b.onclick = () => setRange(b.dataset.range);
for (const b of $("levels").children) b.onclick = () => { state.level = b.dataset.level; for (const x of $("levels").children) x.classList.toggle("on", x === b); renderHalls(state.hallRows || []); };
for (const b of $("drillTabs").children) b.onclick = () => drill(state.hall, b.dataset.scope).catch(showError);
for (const b of $("acrossTabs").children) b.onclick = () => { state.acrossScope = b.dataset.scope; renderAcross().catch(showError); };
$("from").onchange = $("to").onchange = load;
$("csv").onclick = () => download("csv"); $("xlsx").onclick = () => download("xlsx");
const params = new URLSearchParams(location.search);
if (params.get("from") && params.get("to")) { $("from").value = params.get("from"); $("to").value = params.get("to"); load(); } else setRange("month");
setInterval(load, 60000);

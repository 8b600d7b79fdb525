"use strict";
const names = { categories: "业务类别", windows: "窗口", clerks: "工作人员（工号、照片、PIN）", calendar: "节假日与调休工作日", display: "屏幕与语音用语", alerts: "营业时间与监察预警" };
const outcomes = { immediate: "即办件", promised: "承诺件", joint: "联办件", reported: "上报件", replied: "答复件" };
let overview = null;
// The forms of the other sections: their keys in Chinese, each value as the checker expects it. Keys a form
// does not show (a clerk's pin_hash) are kept as they were.
const forms = {
  windows: { list: true, add: "新增窗口", fields: [["number", "窗口号", "int"], ["name", "名称", "text"], ["categories", "办理业务（勾选；已选的按列出的先后为叫号优先顺序）", "cats"]] },
  clerks: { list: true, add: "新增工作人员", fields: [["id", "编号", "text"], ["name", "姓名", "text"], ["staff_no", "工号", "text"], ["photo", "照片文件（JPEG/PNG 路径）", "text"]] },
  calendar: { fields: [["holidays", "节假日（每行一个日期，如 2026-10-01）", "lines"], ["workdays", "调休工作日（每行一个日期）", "lines"]] },
  alerts: { fields: [["opening_hours", "营业时间（如 08:30-17:30）", "text"], ["wait_minutes", "等候超时预警（分钟）", "num"], ["webhook", "预警推送地址", "text"], ["webhook_attempts", "推送次数上限", "int"]] },
  display: { fields: [["call", "窗口屏叫号", "text"], ["call_short", "窄屏叫号", "text"], ["hall_call", "大厅屏叫号", "text"], ["idle", "窗口空闲", "text"],
                      ["idle_no_clerk", "窗口无人", "text"], ["closed", "暂停服务", "text"], ["hall_idle", "大厅屏空闲", "text"], ["voice", "语音播报", "text"]] },
};
function tomlValue(v) {
  if (Array.isArray(v)) return "[" + v.map(tomlValue).join(", ") + "]";
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (v && typeof v === "object") return "{" + Object.entries(v).map(([k, x]) => `${k} = ${tomlValue(x)}`).join(", ") + "}";
  return q(v);
}
const tomlLines = o => Object.entries(o).filter(([, v]) => v !== "" && v !== null && v !== undefined && !(Array.isArray(v) && !v.length))
  .map(([k, v]) => `${k} = ${tomlValue(v)}`).join("\n");
function cellInput(kind, v) {
  // A window's categories are picked from the hall's categories by name, never typed as codes; the order of the
  // ticks is the calling priority (the ones already chosen first, in their order).
  if (kind === "cats") {
    const chosen = Array.isArray(v) ? v : [];
    const all = (overview ? overview.categories : []).map(c => c.code);
    const order = chosen.filter(c => all.includes(c)).concat(all.filter(c => !chosen.includes(c)));
    return `<div class="cats">${order.map(code => {
      const c = overview.categories.find(x => x.code === code);
      return `<label><input type="checkbox" value="${esc(code)}" ${chosen.includes(code) ? "checked" : ""}> ${esc(c ? c.name : code)}</label>`;
    }).join(" ")}</div>`;
  }
  const text = v === undefined || v === null ? "" : Array.isArray(v) ? v.join(kind === "lines" ? "\n" : ", ") : String(v);
  return kind === "lines" ? `<textarea rows="4" style="min-height:5em">${esc(text)}</textarea>`
    : `<input value="${esc(text)}" ${kind === "int" || kind === "num" ? 'type="number" step="any"' : ""}>`;
}
function readInput(kind, el) {
  if (kind === "cats") return [...el.querySelectorAll("input:checked")].map(i => i.value);
  const t = el.value.trim();
  if (kind === "int" || kind === "num") return t === "" ? undefined : Number(t);
  if (kind === "list") return t.split(/[,，\s]+/).filter(Boolean);
  if (kind === "lines") return t.split(/\s+/).filter(Boolean);
  return t;
}
// Renders the section's form into el; returns a function giving the edited section as TOML.
function sectionForm(name, value, el) {
  const f = forms[name];
  if (!f) { el.innerHTML = ""; return () => null; }
  if (f.list) {
    const rows = Array.isArray(value) ? value.map(o => Object.assign({}, o)) : [];
    el.innerHTML = `<table><thead><tr>${f.fields.map(([, label]) => `<th>${esc(label)}</th>`).join("")}<th></th></tr></thead><tbody></tbody></table>
      <div class="actions"><button class="plain" data-add>${esc(f.add)}</button></div>`;
    const body = el.querySelector("tbody");
    const addRow = o => {
      const tr = document.createElement("tr");
      tr.innerHTML = f.fields.map(([k, , kind]) => `<td data-key="${k}">${cellInput(kind, o[k])}</td>`).join("") + `<td><button class="plain" data-remove>删除</button></td>`;
      tr.original = o;
      tr.querySelector("[data-remove]").onclick = () => tr.remove();
      body.appendChild(tr);
    };
    rows.forEach(addRow);
    el.querySelector("[data-add]").onclick = () => addRow({});
    return () => [...body.querySelectorAll("tr")].map(tr => {
      const o = Object.assign({}, tr.original);
      for (const [k, , kind] of f.fields) o[k] = readInput(kind, kind === "cats" ? tr.querySelector(`td[data-key="${k}"]`) : tr.querySelector(`td[data-key="${k}"] input, td[data-key="${k}"] textarea`));
      return `[[${name}]]\n` + tomlLines(o);
    }).join("\n\n") + "\n";
  }
  const o = value && typeof value === "object" ? Object.assign({}, value) : {};
  el.innerHTML = `<table><tbody>${f.fields.map(([k, label, kind]) => `<tr><th style="width:16em">${esc(label)}</th><td data-key="${k}">${cellInput(kind, o[k])}</td></tr>`).join("")}</tbody></table>`;
  return () => {
    for (const [k, , kind] of f.fields) o[k] = readInput(kind, el.querySelector(`td[data-key="${k}"] input, td[data-key="${k}"] textarea`));
    return `[${name}]\n` + tomlLines(o) + "\n";
  };
}
// TOML basic strings accept JSON's string escapes, so JSON.stringify writes a valid TOML string.
const q = v => JSON.stringify(String(v));
function catRow(c) {
  const tr = document.createElement("tr");
  tr.innerHTML = `<td><input name="code" value="${esc(c.code)}" size="8"></td><td><input name="name" value="${esc(c.name)}"></td>
    <td><input name="prefix" value="${esc(c.prefix)}" size="3"></td><td><textarea name="checklist" rows="2" style="min-height:3em">${esc((c.checklist || []).join("\n"))}</textarea></td>
    <td><input name="time_limit_minutes" type="number" min="1" value="${esc(c.time_limit_minutes ?? "")}"></td>
    <td><select name="default_outcome">${Object.entries(outcomes).map(([k, v]) => `<option value="${k}" ${k === (c.default_outcome || "immediate") ? "selected" : ""}>${v}</option>`).join("")}</select></td>
    <td><input name="task_code" value="${esc(c.task_code ?? "")}"></td><td><input name="task_name" value="${esc(c.task_name ?? "")}"></td>
    <td><button class="plain" data-remove>删除</button></td>`;
  tr.querySelector("[data-remove]").onclick = () => tr.remove();
  return tr;
}
function catTOML() {
  return [...document.querySelectorAll("#cats tbody tr")].map(tr => {
    const v = n => tr.querySelector(`[name=${n}]`).value.trim();
    const lines = ["[[categories]]", `code = ${q(v("code"))}`, `name = ${q(v("name"))}`, `prefix = ${q(v("prefix"))}`];
    const list = v("checklist").split("\n").map(x => x.trim()).filter(Boolean);
    if (list.length) lines.push(`checklist = [${list.map(q).join(", ")}]`);
    if (v("time_limit_minutes")) lines.push(`time_limit_minutes = ${Number(v("time_limit_minutes"))}`);
    if (v("default_outcome") !== "immediate") lines.push(`default_outcome = ${q(v("default_outcome"))}`);
    if (v("task_code")) lines.push(`task_code = ${q(v("task_code"))}`);
    if (v("task_name")) lines.push(`task_name = ${q(v("task_name"))}`);
    return lines.join("\n");
  }).join("\n\n") + "\n";
}
async function save(section, toml, msg) {
  msg.className = "msg"; msg.textContent = "检查中…";
  try {
    const r = toml === null ? await api("DELETE", `/api/admin/setup/${section}`) : await api("PUT", `/api/admin/setup/${section}`, { toml });
    overview = r.overview; render();
    const m = document.getElementById(section === "categories" ? "catMsg" : `msg-${section}`);
    m.className = "msg ok"; m.textContent = "已生效并记入日志：" + (r.summary || "无变化");
  } catch (err) { msg.className = "msg bad"; msg.textContent = err.status ? err.message : "无法连接服务器（网络故障），设置未保存。"; }
}
function render() {
  const origin = s => s.origin === "admin" ? `由本页面维护（<code class="ident">${esc(overview.edits_file)}</code>）` : `来自配置文件（<code class="ident">${esc(overview.config_file)}</code>）`;
  document.getElementById("rule").innerHTML = `每一部分设置只有一个来源。在本页面保存过的部分记在 <b class="ident">${esc(overview.edits_file)}</b>，`
    + `以它为准，配置文件 <b class="ident">${esc(overview.config_file)}</b> 中的同一部分不再生效；其余部分仍以配置文件为准。`
    + `“交还配置文件”删除本页面的修改，该部分重新以配置文件为准。每次保存都与修改配置文件后重新加载一样检查（命令 <code class="ident">counterctl config check</code> 也检查两者），`
    + `不会让等候中的号或在岗的工作人员失去着落；不通过则原设置不变。`;
  const cat = overview.sections.find(s => s.section === "categories");
  const co = document.getElementById("catOrigin");
  co.className = "origin " + cat.origin; co.innerHTML = origin(cat);
  document.getElementById("catRestore").disabled = cat.origin !== "admin";
  const body = document.querySelector("#cats tbody"); body.innerHTML = "";
  for (const c of overview.categories) body.appendChild(catRow(c));
  renderTokens().catch(err => { document.getElementById("tokenMsg").className = "msg bad"; document.getElementById("tokenMsg").textContent = err.message; });
  document.getElementById("sections").innerHTML = overview.sections.filter(s => s.section !== "categories" && s.section !== "tokens").map(s => `
    <section data-section="${s.section}"><h2>${esc(names[s.section] || s.section)}<span class="origin ${s.origin}">${origin(s)}</span></h2>
    <div class="form"></div>
    <details><summary>高级：以配置文件格式（TOML）编辑</summary><textarea spellcheck="false" name="toml">${esc(s.toml)}</textarea>
      <div class="actions"><button data-save-toml>按 TOML 保存并生效</button></div></details>
    <div class="actions"><button data-save>保存并生效</button><button class="plain" data-restore ${s.origin === "admin" ? "" : "disabled"}>交还配置文件</button></div>
    <div class="msg" id="msg-${s.section}"></div></section>`).join("");
  for (const sec of document.querySelectorAll("#sections section")) {
    const name = sec.dataset.section, msg = sec.querySelector(".msg"), data = overview.sections.find(x => x.section === name);
    const value = (JSON.parse(data.json || "{}"))[name];
    const form = sectionForm(name, value, sec.querySelector(".form"));
    sec.querySelector("[data-save]").onclick = () => save(name, form(), msg);
    sec.querySelector("[data-save-toml]").onclick = () => save(name, sec.querySelector("textarea").value, msg);
    sec.querySelector("[data-restore]").onclick = () => save(name, null, msg);
  }
  document.getElementById("pinClerk").innerHTML = overview.clerks.map(c => `<option value="${esc(c.id)}">${esc(c.name)}${c.staff_no ? `（工号 ${esc(c.staff_no)}）` : ""}</option>`).join("");
  document.body.dataset.loaded = "1";
}
document.getElementById("pinSave").onclick = async () => {
  const msg = document.getElementById("pinMsg"), pin = document.getElementById("pinValue");
  // A refused PIN leaves the field empty: typing on after 「12」 must not save 122580.
  if (!/^[0-9]{4,8}$/.test(pin.value)) { msg.className = "msg bad"; msg.textContent = "PIN 须为 4 到 8 位数字，请重新输入"; pin.value = ""; pin.focus(); return; }
  try {
    const r = await api("POST", `/api/admin/clerks/${encodeURIComponent(document.getElementById("pinClerk").value)}/pin`, { pin: pin.value });
    msg.className = "msg ok"; msg.textContent = r.summary;
    overview = await api("GET", "/api/admin/setup"); render();
  } catch (err) { msg.className = "msg bad"; msg.textContent = err.message; }
  pin.value = "";
};
// Device tokens: what each is for and its fingerprint, never its secret; a new one is shown once, with the
// addresses to open on the device.
async function renderTokens() {
  const r = await api("GET", "/api/admin/tokens");
  const body = document.querySelector("#tokens tbody");
  body.innerHTML = r.tokens.map(x => `<tr data-fingerprint="${esc(x.fingerprint)}"><td>${esc(x.role_zh)}</td><td>${x.window ? x.window + " 号窗口" : "–"}</td>`
    + `<td>${esc(x.label)}</td><td class="ident">${esc(x.fingerprint)}</td><td><button class="plain" data-revoke>撤销</button></td></tr>`).join("")
    || `<tr><td colspan="5">（没有令牌）</td></tr>`;
  for (const b of body.querySelectorAll("[data-revoke]")) b.onclick = async () => {
    const tr = b.closest("tr"), msg = document.getElementById("tokenMsg");
    if (b.dataset.armed !== "1") { b.dataset.armed = "1"; b.textContent = "再按一次确认撤销"; return; }
    try {
      const done = await api("DELETE", `/api/admin/tokens/${tr.dataset.fingerprint}`);
      msg.className = "msg ok"; msg.textContent = `已撤销${done.revoked.role_zh}${done.revoked.window ? " " + done.revoked.window + " 号窗口" : ""}的令牌（${done.revoked.fingerprint}），立即生效。`;
    } catch (err) { msg.className = "msg bad"; msg.textContent = err.message; }
    renderTokens();
  };
  const sel = document.getElementById("tokenWindow");
  const windows = ((JSON.parse((overview.sections.find(s => s.section === "windows") || {}).json || "{}")).windows || []).map(w => w.number);
  sel.innerHTML = windows.map(n => `<option value="${n}">${n} 号窗口</option>`).join("");
  sel.classList.toggle("hidden", document.getElementById("tokenRole").value !== "window");
}
document.getElementById("tokenRole").onchange = () =>
  document.getElementById("tokenWindow").classList.toggle("hidden", document.getElementById("tokenRole").value !== "window");
document.getElementById("tokenNew").onclick = async () => {
  const msg = document.getElementById("tokenMsg"), role = document.getElementById("tokenRole").value;
  const body = { role, label: document.getElementById("tokenLabel").value.trim() };
  if (role === "window") body.window = Number(document.getElementById("tokenWindow").value);
  try {
    const r = await api("POST", "/api/admin/tokens", body);
    const w = r.made.window;
    const pages = role === "window" ? `工作台 /console/window/${w}?token=${r.token} ；评价平板 /evaluator/window/${w}?token=${r.token}`
      : role === "kiosk" ? `取号机 /kiosk?token=${r.token}` : role === "display" ? `大厅屏 /display/hall?token=${r.token}` : "脚本请求头 Authorization: Bearer " + r.token;
    msg.className = "msg ok";
    msg.innerHTML = `已生成${esc(r.made.role_zh)}令牌（只显示这一次，请立即记下）：<b class="ident" id="newToken">${esc(r.token)}</b><br>${esc(pages)}`;
    document.getElementById("tokenLabel").value = "";
  } catch (err) { msg.className = "msg bad"; msg.textContent = err.message; }
  renderTokens();
};
document.getElementById("catAdd").onclick = () => document.querySelector("#cats tbody").appendChild(catRow({ code: "", name: "", prefix: "" }));
document.getElementById("catSave").onclick = () => save("categories", catTOML(), document.getElementById("catMsg"));
document.getElementById("catRestore").onclick = () => save("categories", null, document.getElementById("catMsg"));
document.getElementById("logout").onclick = logout;
(async () => {
  const me = await session();
  if (!me) { toLogin(); return; }
  document.getElementById("who").textContent = `${me.name}（${me.role_zh}）`;
  if (!me.may.includes("administer")) { document.getElementById("rule").textContent = "您的账号不是系统管理员，不能修改设置。"; return; }
  try { overview = await api("GET", "/api/admin/setup"); render(); }
  catch (err) { document.getElementById("rule").textContent = err.message; }
})();

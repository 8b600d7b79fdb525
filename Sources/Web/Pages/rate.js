// The rate page's script (served as /assets/rate.js: the pages carry no inline script, so the
// Content-Security-Policy can forbid it).
const linkToken = decodeURIComponent(location.pathname.split("/").pop() || "");
const path = "/api/rate/" + encodeURIComponent(linkToken);
async function load() {
  let v;
  try { v = await api("GET", path); }
  catch (e) { document.getElementById("ticket").textContent = e.message; return; }
  const [y, mo, d] = String(v.day || "").split("-");
  document.getElementById("ticket").innerHTML = `<div class="hall" id="hallLine">${esc(v.hall)}${y ? ` · ${Number(y)}年${Number(mo)}月${Number(d)}日` : ""}</div><div class="num">${esc(v.number)}</div><div>${esc(v.category_name)}${v.window_name ? " · " + esc(v.window_name) : ""}</div>`
    + (v.clerk ? `<div class="clerk">${v.clerk.photo_url ? `<img src="${esc(v.clerk.photo_url)}" alt="">` : ""}<span>工作人员 ${esc(v.clerk.name)}${v.clerk.staff_no ? "（工号 " + esc(v.clerk.staff_no) + "）" : ""}</span></div>` : "");
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
  const levels = document.getElementById("levels"), reasons = document.getElementById("reasons"), m = document.getElementById("message");
  levels.classList.add("hidden");
  m.textContent = "";
  try {
    await reasonPanel(reasons, level, e.target.textContent, async body => {
      const r = await api("POST", path, body);
      levels.innerHTML = "";
      reasons.classList.add("hidden");
      m.textContent = `感谢您的评价：${r.level_name}`;
    }, () => { reasons.classList.add("hidden"); levels.classList.remove("hidden"); m.textContent = "请对本次服务作出评价"; });
  } catch (err) { m.textContent = err.message; levels.classList.remove("hidden"); }
});
load();

// The guide page's script (served as /assets/guide.js: the pages carry no inline script, so the
// Content-Security-Policy can forbid it).
const code = decodeURIComponent(location.pathname.split("/").pop());
function list(id, items) { document.getElementById(id).innerHTML = items.map(i => `<li>${esc(i)}</li>`).join(""); }
(async () => {
  try {
    const g = await api("GET", "/api/guides/" + encodeURIComponent(code));
    document.title = g.title + " · 办事指南";
    document.getElementById("title").textContent = g.title;
    document.getElementById("hall").textContent = `${g.hall} · ${g.category_name}`;
    list("materials", g.materials.length ? g.materials : ["无需材料"]);
    document.getElementById("limitBox").classList.toggle("hidden", !g.time_limit);
    document.getElementById("limit").textContent = g.time_limit || "";
    document.getElementById("feesBox").classList.toggle("hidden", !g.fees);
    document.getElementById("fees").textContent = g.fees || "";
    document.getElementById("basisBox").classList.toggle("hidden", !g.legal_basis.length);
    list("basis", g.legal_basis);
    const where = g.location || (g.windows.length ? `${g.windows.join("、")} 号窗口` : "");
    document.getElementById("whereBox").classList.toggle("hidden", !where);
    document.getElementById("where").textContent = where;
    document.getElementById("notesBox").classList.toggle("hidden", !g.notes.length);
    list("notes", g.notes);
    document.getElementById("phone").textContent = g.complaint_phone;
    document.getElementById("guide").classList.remove("hidden");
  } catch (e) {
    const box = document.getElementById("error");
    box.textContent = e.message + "。如有疑问请咨询大厅工作人员，或拨打 12345。";
    box.classList.remove("hidden");
  }
})();

// Shared by the kiosk, console, evaluator and rating pages: the token, escaping and the API call.
"use strict";
const token = new URLSearchParams(location.search).get("token") || "";
const esc = s => String(s ?? "").replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"})[c]);
async function api(method, path, body) {
  const headers = { "Accept": "application/json" };
  if (token) headers["Authorization"] = "Bearer " + token;
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
function randomID() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, x => x.toString(16).padStart(2, "0")).join("");
}

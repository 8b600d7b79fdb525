"use strict";
// Only a path on this site: a crafted ?next= must not send the person elsewhere after signing in.
function nextPath() {
  const n = new URLSearchParams(location.search).get("next") || "/dashboard";
  return n.startsWith("/") && !n.startsWith("//") ? n : "/dashboard";
}
document.getElementById("form").onsubmit = async e => {
  e.preventDefault();
  const error = document.getElementById("error"), button = document.getElementById("submit");
  error.textContent = "";
  button.disabled = true;
  try {
    await api("POST", "/api/login", { login: document.getElementById("login").value.trim(), password: document.getElementById("password").value });
    location.href = nextPath();
  } catch (err) {
    error.textContent = err.status ? err.message : "无法连接服务器（网络故障），请检查网络后重试。";
    document.getElementById("password").value = "";
    button.disabled = false;
  }
};
document.body.dataset.ready = "1";

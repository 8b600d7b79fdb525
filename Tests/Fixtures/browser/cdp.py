#!/usr/bin/env python3
"""Headless Chromium driven over the DevTools protocol, for the page tests.

Starts `chromium --headless` with a private profile, opens one page and reads commands on stdin, one a
line, answering each with one JSON line on stdout:
  open URL WIDTH HEIGHT       navigate; waits for the load event
  wait SECONDS JS             poll the JS expression until it is truthy; answers its value or a timeout
  eval JS                     the expression's value
  shot FILE                   PNG screenshot of the viewport
  pdf FILE                    print the page to a PDF on A4 (print media, backgrounds off); answers its page count
  tap CSS-SELECTOR            a touch at the centre of the first matching element (real input events)
  key CHAR                    a key press (keyDown, char, keyUp) sent to the focused page
  quit
"""
import base64, json, os, re, shutil, subprocess, sys, tempfile, time, urllib.request
import websocket

profile = tempfile.mkdtemp(prefix="cdp-")
chrome = subprocess.Popen(
    [shutil.which("chromium") or "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
     "--no-first-run", "--remote-debugging-port=0", f"--user-data-dir={profile}", "about:blank"],
    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
port = None
deadline = time.time() + 30
while time.time() < deadline:
    line = chrome.stderr.readline()
    m = re.search(r"DevTools listening on ws://127\.0\.0\.1:(\d+)/", line)
    if m:
        port = int(m.group(1))
        break
if port is None:
    print(json.dumps({"error": "chromium did not start"}), flush=True)
    sys.exit(1)
targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list"))
page = next(t for t in targets if t.get("type") == "page")
ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30)
next_id = 0

def call(method, **params):
    global next_id
    next_id += 1
    ws.send(json.dumps({"id": next_id, "method": method, "params": params}))
    while True:
        msg = json.loads(ws.recv())
        if msg.get("id") == next_id:
            return msg

def evaluate(js):
    r = call("Runtime.evaluate", expression=js, returnByValue=True, awaitPromise=True)
    return r.get("result", {}).get("result", {}).get("value")

call("Page.enable")
print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    words = line.rstrip("\n").split(" ", 1)
    cmd, rest = words[0], (words[1] if len(words) > 1 else "")
    try:
        if cmd == "open":
            url, w, h = rest.split(" ")
            call("Emulation.setDeviceMetricsOverride", width=int(w), height=int(h), deviceScaleFactor=1, mobile=False)
            call("Page.navigate", url=url)
            end = time.time() + 20
            while time.time() < end and evaluate("document.readyState") != "complete":
                time.sleep(0.05)
            print(json.dumps({"ok": True}), flush=True)
        elif cmd == "size":
            w, h = rest.split(" ")
            call("Emulation.setDeviceMetricsOverride", width=int(w), height=int(h), deviceScaleFactor=1, mobile=False)
            print(json.dumps({"ok": True}), flush=True)
        elif cmd == "wait":
            seconds, js = rest.split(" ", 1)
            end = time.time() + float(seconds)
            value = None
            while time.time() < end:
                value = evaluate(js)
                if value:
                    break
                time.sleep(0.05)
            print(json.dumps({"ok": bool(value), "value": value}), flush=True)
        elif cmd == "eval":
            print(json.dumps({"ok": True, "value": evaluate(rest)}), flush=True)
        elif cmd == "shot":
            data = call("Page.captureScreenshot", format="png")["result"]["data"]
            with open(rest, "wb") as f:
                f.write(base64.b64decode(data))
            print(json.dumps({"ok": True}), flush=True)
        elif cmd == "pdf":
            r = call("Page.printToPDF", paperWidth=8.27, paperHeight=11.69, preferCSSPageSize=True, printBackground=False)
            data = base64.b64decode(r["result"]["data"])
            with open(rest, "wb") as f:
                f.write(data)
            pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
            print(json.dumps({"ok": data.startswith(b"%PDF"), "pages": pages}), flush=True)
        elif cmd == "tap":
            box = evaluate("(() => { const e = document.querySelector(%s); if (!e) return null; "
                           "const r = e.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()" % json.dumps(rest))
            if not box:
                print(json.dumps({"ok": False, "error": f"no element {rest}"}), flush=True)
                continue
            x, y = box
            call("Emulation.setTouchEmulationEnabled", enabled=True, maxTouchPoints=1)
            call("Input.dispatchTouchEvent", type="touchStart", touchPoints=[{"x": x, "y": y}])
            call("Input.dispatchTouchEvent", type="touchEnd", touchPoints=[])
            print(json.dumps({"ok": True, "x": x, "y": y}), flush=True)
        elif cmd == "key":
            ch = rest
            code = "Key" + ch.upper() if ch.isalpha() else ""
            vk = ord(ch.upper())
            call("Input.dispatchKeyEvent", type="keyDown", key=ch, code=code, windowsVirtualKeyCode=vk, text=ch)
            call("Input.dispatchKeyEvent", type="keyUp", key=ch, code=code, windowsVirtualKeyCode=vk)
            print(json.dumps({"ok": True}), flush=True)
        elif cmd == "quit":
            break
        else:
            print(json.dumps({"error": f"unknown command {cmd}"}), flush=True)
    except Exception as e:  # noqa: BLE001 - report, keep serving
        print(json.dumps({"error": str(e)}), flush=True)
ws.close()
chrome.terminate()
chrome.wait(10)
shutil.rmtree(profile, ignore_errors=True)

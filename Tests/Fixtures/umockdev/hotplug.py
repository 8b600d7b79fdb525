#!/usr/bin/python3
"""Hotplug driver for counterd under umockdev (run by the Swift test through `umockdev-wrapper`).

Adds an emulated CH340 keypad, starts the real counterd binary against it, unplugs and replugs the
keypad while counterd runs, and prints one JSON object with what it saw. The Swift test asserts on it.
"""
import json, os, signal, sqlite3, subprocess, sys, time

import gi
gi.require_version("UMockdev", "1.0")
from gi.repository import UMockdev

counterd, config, fixture, workdir, profiles = sys.argv[1:6]
description = open(fixture).read()
syspath = "/sys" + description.split("\n")[0][3:].strip()
db = os.path.join(workdir, "hotplug.sqlite")
rundir = os.path.join(workdir, "run")
status_file = os.path.join(rundir, "devices.json")

tb = UMockdev.Testbed.new()
tb.add_from_string(description)
env = dict(os.environ, UMOCKDEV_DIR=tb.get_root_dir())
log = open(os.path.join(workdir, "counterd.log"), "w")
proc = subprocess.Popen([counterd, "--config", config, "--database", db, "--runtime-dir", rundir,
                         "--listen", "127.0.0.1:0", "--log-level", "info", "--profiles", profiles], env=env, stdout=log, stderr=log)
result = {"ok": False}


def state():
    try:
        with open(status_file) as f:
            return {d["id"]: d for d in json.load(f)["devices"]}
    except (OSError, ValueError, KeyError):
        return {}


def wait_for(pred, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        s = state()
        if pred(s):
            return s
        time.sleep(0.01)
    return None


try:
    first = wait_for(lambda s: s.get("eval-3", {}).get("state") == "connected", 15)
    result["first_connect"] = first is not None
    # The Modbus driver talks to the keypad: its first frame is the prompt for a window with no clerk.
    # (The emulated tty is a pty; this is its device side.)
    fd = tb.get_dev_fd("/dev/ttyUSB0")
    os.set_blocking(fd, False)
    first = b""
    end = time.monotonic() + 5
    while len(first) < 8 and time.monotonic() < end:
        try:
            first += os.read(fd, 64)
        except BlockingIOError:
            time.sleep(0.01)
    result["first_frame"] = first[:8].hex()

    # Unplug. umockdev cannot remove and re-create a pty-backed node under the same name, so the node
    # stays while udev says "remove" and later "add": counterd must act on the events, not on the node.
    tb.uevent(syspath, "remove")
    lost = wait_for(lambda s: s.get("eval-3", {}).get("state") not in (None, "connected"), 5)
    result["lost_state"] = lost["eval-3"]["state"] if lost else None

    # Replug: counterd must reconnect on its own, without a restart.
    time.sleep(0.3)
    replugged_at = time.time()
    tb.uevent(syspath, "add")
    back = wait_for(lambda s: s.get("eval-3", {}).get("state") == "connected" and s["eval-3"]["connects"] >= 2, 10)
    result["reconnected"] = back is not None
    result["status_reconnect_seconds"] = round(time.time() - replugged_at, 3)
    time.sleep(0.5)
finally:
    proc.send_signal(signal.SIGTERM)
    try:
        result["exit_code"] = proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        result["exit_code"] = "killed"

rows = sqlite3.connect(db).execute(
    "SELECT kind, at_ms FROM events WHERE kind IN ('device_connected', 'device_lost') ORDER BY seq").fetchall()
result["device_events"] = [r[0] for r in rows]
connects = [r[1] for r in rows if r[0] == "device_connected"]
if len(connects) >= 2:
    result["log_reconnect_seconds"] = round(connects[-1] / 1000.0 - replugged_at, 3)
result["ok"] = True
print(json.dumps(result))

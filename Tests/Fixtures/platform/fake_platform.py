#!/usr/bin/env python3
"""A fake provincial 好差评 platform for counterd's tests, written from the push description (issue 14,
part 3: JSON POSTs in the offline-report-json shape with a configured auth header), not from counterd's code.

It answers at random (seeded): HTTP 500, a hang past the client's timeout, or a dropped connection;
otherwise it accepts the record ({"code": 200, "msg": "success"}). A wrong token gets 401. It keeps what it
accepted, in order, and counts every record it received again after accepting it.

  fake_platform.py --token "Bearer T" [--faults 0.4] [--hang 1.5] [--seed 7]
prints "listening PORT" on stdout; GET /state answers its record as JSON.
"""
import argparse
import json
import random
import signal
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# The test process may ignore SIGTERM, and an ignored signal stays ignored across exec: take the default back,
# so the test's terminate() ends this server instead of leaving it behind.
signal.signal(signal.SIGTERM, signal.SIG_DFL)
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})  # a blocked signal is inherited too

p = argparse.ArgumentParser()
p.add_argument("--token", required=True)
p.add_argument("--faults", type=float, default=0.0, help="probability of a fault per request")
p.add_argument("--hang", type=float, default=1.5, help="seconds a hanging request waits before closing")
p.add_argument("--seed", type=int, default=7)
args = p.parse_args()

lock = threading.Lock()
rng = random.Random(args.seed)
state = {"accepted": [], "seqs": [], "records": {}, "received": 0, "duplicates_after_accept": [],
         "faults": {"500": 0, "hang": 0, "drop": 0}, "unauthorized": 0, "invalid": 0, "paths": {}}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def answer(self, status, obj):
        body = json.dumps(obj, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def do_GET(self):
        if self.path == "/state":
            with lock:
                self.answer(200, state)
        else:
            self.answer(404, {"code": 404, "msg": "not found"})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        with lock:
            state["received"] += 1
            state["paths"][self.path] = state["paths"].get(self.path, 0) + 1
            if self.headers.get("Authorization") != args.token:
                state["unauthorized"] += 1
                fault = "401"
            else:
                roll = rng.random()
                fault = None
                if roll < args.faults / 3:
                    fault = "500"
                elif roll < 2 * args.faults / 3:
                    fault = "hang"
                elif roll < args.faults:
                    fault = "drop"
                if fault:
                    state["faults"][fault] += 1
        if fault == "401":
            return self.answer(401, {"code": 401, "msg": "token 无效"})
        if fault == "500":
            return self.answer(500, {"code": 500, "msg": "internal error"})
        if fault == "hang":
            threading.Event().wait(args.hang)
            self.close_connection = True
            return
        if fault == "drop":
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        try:
            record = json.loads(raw.decode("utf-8"))
            rid = record["assessId"]
        except Exception as e:  # noqa: BLE001 - any garbage is the client's fault
            with lock:
                state["invalid"] += 1
            return self.answer(400, {"code": 400, "msg": f"invalid record: {e}"})
        with lock:
            if rid in state["records"]:
                state["duplicates_after_accept"].append(rid)
            else:
                state["accepted"].append(rid)
                state["seqs"].append(int(rid.rsplit("-", 1)[1]))
                state["records"][rid] = record
        self.answer(200, {"code": 200, "msg": "success"})


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(f"listening {server.server_address[1]}", flush=True)
server.serve_forever()

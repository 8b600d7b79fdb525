#!/usr/bin/env python3
"""Writes the fuzzers' seed corpus: Tests/Fixtures/fuzz/TARGET/NAME, one input a file, built from the
protocol descriptions (and the shipped config and profiles) rather than from our own encoders. Run it from
the repository root after changing a format; the files it writes are committed."""
import json, os, struct, sys

root = os.path.dirname(os.path.abspath(__file__))
repo = os.path.abspath(os.path.join(root, "..", "..", ".."))

def put(target, name, data):
    d = os.path.join(root, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

def caller(addr, func, data):
    n = 2 + len(data)
    return bytes([0xFF, 0x68, n, n, 0x68, addr, func] + data + [(addr + func + sum(data)) & 0xFF, 0x16])

put("caller", "call-next", caller(1, 0x01, [0x01]))
put("caller", "two-frames", caller(2, 0x01, [0x02]) + caller(3, 0x01, [0x05, 0x00]))
put("caller", "garbage-then-frame", bytes([0x00, 0x68, 0x03, 0x04, 0xFF] * 3) + caller(9, 0x01, [0x03]))
put("caller", "bad-checksum", caller(1, 0x01, [0x01])[:-2] + bytes([0x00, 0x16]))
put("caller", "long", caller(4, 0x02, [0x0A] * 60))

def crc16(b):
    c = 0xFFFF
    for x in b:
        c ^= x
        for _ in range(8):
            c = (c >> 1) ^ 0xA001 if c & 1 else c >> 1
    return bytes([c & 0xFF, c >> 8])

def rtu(b):
    return bytes(b) + crc16(b)

put("modbus", "read-input-request", rtu([1, 4, 0, 0, 0, 2]))
put("modbus", "read-input-reply", bytes([0]) + rtu([1, 4, 4, 0, 7, 0, 3]))
put("modbus", "read-holding-reply", bytes([1]) + rtu([7, 3, 2, 0, 1]))
put("modbus", "exception-reply", bytes([0]) + rtu([1, 0x84, 2]))
put("modbus", "write-single-echo", bytes([2]) + rtu([3, 6, 0, 0x10, 0, 5]))
put("modbus", "write-multiple-reply", bytes([3]) + rtu([2, 16, 0, 0x20, 0, 3]))

def ev(t, c, v, sec=1795395300, usec=0):
    return struct.pack("<qqHHi", sec, usec, t, c, v)

put("evdev", "f9-press", ev(4, 4, 0x70042) + ev(1, 67, 1) + ev(0, 0, 0) + ev(1, 67, 0) + ev(0, 0, 0))
put("evdev", "repeat", ev(1, 2, 1) + ev(1, 2, 2) + ev(1, 2, 2) + ev(1, 2, 0))
put("evdev", "partial", (ev(1, 30, 1) + ev(0, 0, 0))[:40])

put("hid", "report2-byte1", bytes([2, 0]) + bytes([2, 3, 0, 0, 0, 0, 0, 0]))
put("hid", "release", bytes([2, 0]) + bytes([2, 0, 0, 0]))
put("hid", "no-id", bytes([0, 2]) + bytes([0, 0, 0x1E, 0, 0, 0, 0, 0]))

put("printer", "asb-ok", bytes([0x10, 0, 0, 0]))
put("printer", "asb-paper-out-cover", bytes([0x10 | 0x20 | 0x08, 0x08, 0x0F, 0]))
put("printer", "dle-eot-triple", bytes([0x12, 0x12, 0x12, 0x16, 0x12, 0x72]))
put("printer", "mixed", bytes([0x10, 0, 0x03]) + bytes([0x12]) + bytes([0x18, 0, 0, 0]))

def keys(s):
    out = []
    layout = {str(d): c for d, c in zip(range(10), [11, 2, 3, 4, 5, 6, 7, 8, 9, 10])}
    letters = dict(a=30, b=48, c=46, d=32, e=18, f=33, g=34, h=35, i=23, j=36, k=37, l=38, m=50, n=49, o=24, p=25,
                   q=16, r=19, s=31, t=20, u=22, v=47, w=17, x=45, y=21, z=44)
    for ch in s:
        if ch.isupper():
            out += [42, 1, letters[ch.lower()], 1, letters[ch.lower()], 0, 42, 0]
        elif ch in letters:
            out += [letters[ch], 1, letters[ch], 0]
        elif ch == "-":
            out += [12, 1, 12, 0]
        else:
            out += [layout[ch], 1, layout[ch], 0]
    return bytes(out + [28, 1, 28, 0])

put("scanner", "keyboard-code", keys("YY-20261202-0042"))
put("scanner", "serial-lines", b"YY20261202001\r\nYY20261202002\n")
put("scanner", "binary", bytes(range(256)))

put("recording", "serial", "# counterd-recording 1\n# transport=serial path=/dev/ttyUSB0 baud=9600 frame=8N1 vid_pid=1a86:7523\n"
    "0.000000 W ff6802026801031616\n0.012345 R ff6802026801031616\n")
put("recording", "bad-line", "# counterd-recording 1\n0.1 X zz\n")

put("config", "demo.toml", open(os.path.join(repo, "config", "demo.toml"), "rb").read())
put("config", "minimal.toml", """[hall]
name = "测试大厅"

[[categories]]
code = "hukou"
name = "户籍"
prefix = "A"

[[windows]]
number = 1
name = "1号窗口"
categories = ["hukou"]
""")
put("config", "wrong-types.toml", "[hall]\nname = 5\n[[windows]]\nnumber = \"one\"\n")

selectors = {"modbus-": 0, "evdev-": 0, "hid-": 0, "printer-": 1, "display-": 2, "scanner-": 3}
for name in sorted(os.listdir(os.path.join(repo, "profiles"))):
    sel = next(v for k, v in selectors.items() if name.startswith(k))
    put("profile", name, bytes([sel]) + open(os.path.join(repo, "profiles", name), "rb").read())
for name in sorted(os.listdir(os.path.join(repo, "platforms"))):
    put("profile", "platform-" + name, bytes([4]) + open(os.path.join(repo, "platforms", name), "rb").read())
for name in sorted(os.listdir(os.path.join(repo, "config", "guides"))):
    put("profile", "guide-" + name, bytes([5]) + open(os.path.join(repo, "config", "guides", name), "rb").read())
put("profile", "indicators.toml", bytes([6]) + open(os.path.join(repo, "Sources", "HallConfig", "Data", "indicators.toml"), "rb").read())

bodies = {
    "kiosk-ticket": {"category": "hukou", "priority": True, "priority_reason": "老年人", "request_id": "k1-0001", "print": True, "phone": "13800001234"},
    "issue": {"category": "hukou"},
    "rating-bad": {"level": 1, "reasons": ["101", "102"], "comment": "等太久", "phone": "010-12345678"},
    "rating-good": {"level": 5},
    "sign-in": {"clerk": "c1", "pin": "1234"},
    "login": {"login": "manager", "password": "秘密"},
    "notice": {"text": "系统维护", "until": "2026-12-02T10:00:00+08:00"},
    "case-contact": {"at": "2026-12-02T09:00:00Z", "method": "phone", "citizen_said": "已解决"},
    "case-close": {"note": "办结", "verdict": "satisfied"},
    "finish": {"outcome": "promised", "project_no": "2026-001"},
    "transfer": {"category": "tax", "window": 3},
    "setup": {"toml": "[kiosk]\nstaff_pin = \"1234\"\n"},
    "appointment": {"code": "YY1", "day": "2026-12-02", "slot_start": "09:00", "slot_end": "09:30", "category": "hukou",
                    "name": "张三丰", "phone": "13812341234"},
    "appointments": {"appointments": [{"code": "YY2", "day": "2026-12-02", "slot_start": "10:00", "slot_end": "10:30",
                                       "category": "hukou", "name": "李四", "phone": "13912341234"}]},
}
for name, body in bodies.items():
    put("json", name, json.dumps(body, ensure_ascii=False))
put("json", "not-json", b"{\"category\": ")

events = [l for l in open(os.path.join(repo, "Tests", "Fixtures", "log", "every-kind.jsonl"), encoding="utf-8").read().splitlines()][:12]
raw = [json.loads(l) for l in events]
put("logbatch", "json", json.dumps({"hall_id": "h1", "last": len(raw), "events": [{"seq": r["seq"], "payload": r["payload"], "hash": None} for r in raw]}))
put("logbatch", "lines", "counterd-log 1\n" + json.dumps({"hall_id": "h1", "last": len(raw)}) + "\n"
    + "".join(f"{r['seq']}\t-\t{r['payload']}\n" for r in raw))

def wav(samples, rate=22050):
    data = struct.pack("<%dh" % len(samples), *samples)
    fmt = struct.pack("<HHIIHH", 1, 1, rate, rate * 2, 2, 16)
    return b"RIFF" + struct.pack("<I", 4 + 8 + len(fmt) + 8 + len(data)) + b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(data)) + data

put("wav", "short", wav([0, 1000, -1000, 32767, -32768] * 20))
put("wav", "pipe-sizes", wav([5] * 10)[:40] + struct.pack("<I", 0x7FFFFFFF) + struct.pack("<10h", *([5] * 10)))
# Inputs the fuzzers found that crashed counterd, kept so they stay fixed (see RELIABILITY.md).
put("config", "regress-header-cjk", 'name = "x"\n\n[测试大厅"\n')
put("profile", "regress-header-bang", b"\x00[!x]\n")
print("seeds written under", root)

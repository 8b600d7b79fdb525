"""Recomputes counterd's event hash chain with Python's own sqlite3 and hashlib, as an outsider would.

Usage: chain.py DATABASE  -> prints "ROWS MISMATCHES LASTHASH"
hash = SHA-256(previous hash || seq as 8 bytes big-endian || payload as stored, UTF-8), from 32 zero bytes.
"""
import hashlib, sqlite3, sys

if len(sys.argv) != 2:
    sys.exit("usage: chain.py DATABASE   (a counterd SQLite file; it is opened read-only)")
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
h, rows, bad = bytes(32), 0, 0
for seq, payload, stored in db.execute("SELECT seq, payload, hash FROM events ORDER BY seq"):
    h = hashlib.sha256(h + seq.to_bytes(8, "big") + payload.encode("utf-8")).digest()
    rows += 1
    bad += stored != h
print(rows, bad, h.hex())

#!/usr/bin/env python3
"""A district in trouble, for the hall's backoff tests: listens on 127.0.0.1 (port printed on the first line) and
misbehaves in one way, given as the argument:
  502    answers every request 502 Bad Gateway
  close  accepts each connection and closes it without answering
  hang   accepts each connection and never answers (holds it open)
Every accepted connection's time (monotonic seconds) is printed on its own line: the test counts the attempts
and the pauses between them."""
import signal, socket, sys, threading, time

# The test process may ignore SIGTERM (its services take it over), and an ignored signal stays ignored across exec:
# take the default back, so the test's stop ends this server.
signal.signal(signal.SIGTERM, signal.SIG_DFL)
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})  # a blocked signal is inherited too

mode = sys.argv[1]
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(64)
print(srv.getsockname()[1], flush=True)
held = []

def serve(conn):
    try:
        conn.settimeout(5)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return
            data += chunk
        conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    except OSError:
        pass
    finally:
        conn.close()

while True:
    conn, _ = srv.accept()
    print(f"{time.monotonic():.4f}", flush=True)
    if mode == "close":
        conn.close()
    elif mode == "hang":
        held.append(conn)
    else:
        threading.Thread(target=serve, args=(conn,), daemon=True).start()

"""Two pseudo-terminals joined like a null-modem cable, for the pymodbus peers of this folder.

open_pair() returns (counterd_side, peer_side): bytes written on either pty's device side come out of the
other's. The bridge runs on a daemon thread.
"""
import os, select, threading, tty


def open_pair():
    m1, s1 = os.openpty()
    m2, s2 = os.openpty()
    tty.setraw(s1)
    tty.setraw(s2)

    def bridge():
        while True:
            ready, _, _ = select.select([m1, m2], [], [])
            for fd in ready:
                try:
                    data = os.read(fd, 4096)
                except OSError:
                    return
                os.write(m2 if fd == m1 else m1, data)

    threading.Thread(target=bridge, daemon=True).start()
    return os.ttyname(s1), os.ttyname(s2)

"""Shared bits of the independent MDP/0.1 test peers (client, worker, broker).

Written from the RFC 7 (7/MDP) and RFC 8 (8/MMI) texts, not from any reference code. Runs under
/usr/bin/python3 with Debian's python3-zmq. Every peer prints JSON lines on stdout (flushed), so
the TypeScript tests can wait on events instead of sleeping.
"""

import json
import os
import signal
import sys
import time

import zmq

# 7/MDP headers: six ASCII bytes each.
MDPC01 = b"MDPC01"
MDPW01 = b"MDPW01"

# 7/MDP worker command bytes (one octet frames).
READY = b"\x01"
REQUEST = b"\x02"
REPLY = b"\x03"
HEARTBEAT = b"\x04"
DISCONNECT = b"\x05"

COMMAND_NAMES = {
    READY: "READY",
    REQUEST: "REQUEST",
    REPLY: "REPLY",
    HEARTBEAT: "HEARTBEAT",
    DISCONNECT: "DISCONNECT",
}

# 8/MMI
MMI_PREFIX = b"mmi."
MMI_OK = b"200"
MMI_NOT_FOUND = b"404"
MMI_NOT_IMPLEMENTED = b"501"

# Linger for the final close after a farewell message (DISCONNECT, last REPLY): long enough for the
# I/O thread to flush it over loopback, short enough that the process always exits promptly.
# Every other socket is closed with linger 0.
FAREWELL_LINGER_MS = 500


def now_ms():
    """Monotonic milliseconds (never jumps with the wall clock)."""
    return time.monotonic() * 1000.0


def emit(obj):
    """Print one JSON line to stdout and flush, so the parent sees it at once."""
    sys.stdout.write(json.dumps(obj, separators=(",", ":"), sort_keys=False) + "\n")
    sys.stdout.flush()


def frame_text(frame):
    """A frame as readable text for JSON output (undecodable bytes shown as \\xNN escapes)."""
    return bytes(frame).decode("utf-8", errors="backslashreplace")


def frames_json(frames):
    """Frames as {"frames": [text...], "hex": [hex...]} so binary content survives JSON."""
    return {"frames": [frame_text(f) for f in frames], "hex": [bytes(f).hex() for f in frames]}


# Set by the TypeScript test helper: stdin is a pipe from the test process, so end-of-file on it means the
# test process is gone and the peer must not outlive it (no orphaned workers reconnecting forever).
EXIT_ON_STDIN_EOF_ENV = "MDP_PEER_EXIT_ON_STDIN_EOF"


class SignalWatch:
    """SIGTERM/SIGINT (and, if asked, end of stdin) → a flag plus fds that can sit in a zmq.Poller.

    The wakeup pipe (signal.set_wakeup_fd) wakes a blocking poll at once, so peers need no short polling
    intervals to notice a shutdown request, and the handler itself does nothing but set a flag: no
    exception is raised in the middle of a send.
    """

    def __init__(self):
        self.triggered = None
        self._read_fd, self._write_fd = os.pipe()
        os.set_blocking(self._read_fd, False)
        os.set_blocking(self._write_fd, False)
        signal.set_wakeup_fd(self._write_fd)
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._handle)
        self._stdin_fd = sys.stdin.fileno() if os.environ.get(EXIT_ON_STDIN_EOF_ENV) == "1" else None

    def _handle(self, signum, _frame):
        if self.triggered is None:
            self.triggered = signal.Signals(signum).name

    def register(self, poller):
        """Add the wakeup fds to a zmq.Poller."""
        poller.register(self._read_fd, zmq.POLLIN)
        if self._stdin_fd is not None:
            poller.register(self._stdin_fd, zmq.POLLIN)

    def check(self, events):
        """Call with dict(poller.poll(...)): drains the wakeup pipe and notices end of stdin."""
        if self._read_fd in events:
            try:
                while os.read(self._read_fd, 64):
                    pass
            except BlockingIOError:
                pass
        if self._stdin_fd is not None and self._stdin_fd in events:
            if not os.read(self._stdin_fd, 4096) and self.triggered is None:
                self.triggered = "stdin-eof"

    def sleep_ms(self, duration_ms):
        """Sleep up to duration_ms, returning early on a signal. Returns False if interrupted."""
        poller = zmq.Poller()
        self.register(poller)
        deadline = now_ms() + duration_ms
        while self.triggered is None:
            remaining = deadline - now_ms()
            if remaining <= 0:
                return True
            self.check(dict(poller.poll(remaining)))
        return False

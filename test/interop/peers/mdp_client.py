#!/usr/bin/python3
"""A plain MDP/0.1 client (ZeroMQ RFC 7), for interop tests. REQ socket by default, DEALER on request.

Modes:
  single call   --body TEXT / --body-hex HEX / --body-f64 X,Y,... (repeatable, one frame each, in order;
                "" is an empty frame; --body-f64 packs the numbers as little-endian float64, struct '<d')
                prints {"ok":..., "service":..., "frames":[...], "hex":[...], "code":...} and exits.
                For mmi.* services "code" is the last reply frame (RFC 8: "200", "404", "501").
                --decode-f64 adds "f64": every reply body frame after the first unpacked as little-endian
                float64 (the binary matrix form: a header frame, then data frames).
  count         --count N --pattern mixed|single|multi|empty|large sends N requests one after the other,
                checks every reply (header MDPC01, service echoed, body frames identical to the request,
                after the transform the worker was told to apply: --expect-upper, --expect-prefix), and
                prints one summary line {"ok":..., "sent":..., "received":..., "mismatches":..., ...}.

Every receive is bounded by --timeout-ms. With --retries R a request that times out is resent on a new
socket (Lazy Pirate) up to R more times; otherwise a timeout ends the run.

DEALER only: --envelope TEXT / --envelope-hex HEX (repeatable) puts extra frames before the empty
delimiter, as a client behind a proxy would have; the reply must carry them back unchanged.

Exit codes: 0 all replies correct, 1 a reply was wrong, 3 timeout, 4 interrupted by SIGTERM/SIGINT,
2 usage error.

Usage: mdp_client.py --endpoint tcp://127.0.0.1:PORT [--service echo] [--socket req|dealer]
                     (--body B ... | --count N [--pattern mixed]) [--decode-f64] [--timeout-ms 5000] [--retries 0]
                     [--expect-prefix P ...] [--expect-upper] [--envelope E ...]
"""

import argparse
import math
import random
import struct
import sys

import zmq

from mdp_common import MDPC01, MMI_PREFIX, SignalWatch, emit, frame_text, frames_json, now_ms

EXIT_OK = 0
EXIT_MISMATCH = 1
EXIT_TIMEOUT = 3
EXIT_INTERRUPTED = 4

LARGE_FRAME_BYTES = 64 * 1024


class Timeout(Exception):
    """No reply within --timeout-ms (after any retries)."""


class Interrupted(Exception):
    """SIGTERM or SIGINT while waiting."""


class Connection:
    """One REQ or DEALER socket to the broker; reopened (new routing id) after a timeout."""

    def __init__(self, context, args, signals):
        self.context = context
        self.endpoint = args.endpoint
        self.kind = args.socket
        self.envelope = list(args.envelope or [])
        self.signals = signals
        self.socket = None
        self.open()

    def open(self):
        if self.socket is not None:
            self.socket.close(linger=0)
        self.socket = self.context.socket(zmq.REQ if self.kind == "req" else zmq.DEALER)
        self.socket.setsockopt(zmq.LINGER, 0)
        self.socket.connect(self.endpoint)

    def close(self):
        if self.socket is not None:
            self.socket.close(linger=0)
            self.socket = None

    def call_once(self, service, body, timeout_ms):
        """Send one REQUEST and wait for one reply. Returns (envelope, frames after the envelope)."""
        if self.kind == "req":
            # The REQ socket adds the empty delimiter itself and strips it from the reply.
            self.socket.send_multipart([MDPC01, service] + body, copy=False)
        else:
            self.socket.send_multipart(self.envelope + [b"", MDPC01, service] + body, copy=False)
        poller = zmq.Poller()
        poller.register(self.socket, zmq.POLLIN)
        self.signals.register(poller)
        deadline = now_ms() + timeout_ms
        while True:
            if self.signals.triggered is not None:
                raise Interrupted()
            remaining = deadline - now_ms()
            if remaining <= 0:
                raise Timeout()
            events = dict(poller.poll(remaining))
            self.signals.check(events)
            if self.socket in events:
                frames = [bytes(f) for f in self.socket.recv_multipart(copy=False)]
                if self.kind == "req":
                    return [], frames
                if b"" not in frames:
                    return frames, None  # no delimiter: reported as a mismatch by the caller
                delimiter = frames.index(b"")
                return frames[:delimiter], frames[delimiter + 1 :]

    def call(self, service, body, timeout_ms, retries):
        """call_once with Lazy Pirate retries. Returns (envelope, frames, retries used)."""
        used = 0
        while True:
            try:
                envelope, frames = self.call_once(service, body, timeout_ms)
                return envelope, frames, used
            except Timeout:
                if used >= retries:
                    raise
                used += 1
                # A REQ socket is stuck after a lost reply, and a late reply must not be taken for
                # the resent request's: a new socket (new routing id) solves both.
                self.open()


def f64_frame(text):
    """--body-f64 "1,2.5,-3": the numbers packed as one frame of little-endian float64."""
    values = [float(v) for v in text.split(",") if v.strip() != ""]
    return struct.pack("<%dd" % len(values), *values)


def f64_values(frame):
    """A frame unpacked as little-endian float64 (non-finite values as text: JSON has no NaN); None if
    its length is not a multiple of 8."""
    if len(frame) % 8 != 0:
        return None
    values = struct.unpack("<%dd" % (len(frame) // 8), frame)
    return [v if math.isfinite(v) else repr(v) for v in values]


def body_for(pattern, index):
    """A deterministic request body (list of frames) for request number `index`."""
    rng = random.Random(index)
    shapes = {
        "single": lambda: [b"req-%d" % index],
        "multi-gap": lambda: [b"a-%d" % index, b"", b"c-%d" % index],
        "empty": lambda: [b""],
        "all-empty": lambda: [b"", b"", b""],
        "binary": lambda: [bytes(range(256)) + index.to_bytes(4, "big"), b"\x00"],
        "protocol-lookalike": lambda: [MDPC01, b"MDPW01", b"\x05", b"\x01", b"mmi.service"],
        "many": lambda: [b"f%d-%d" % (k, index) for k in range(10)],
        "large": lambda: [rng.randbytes(LARGE_FRAME_BYTES), b"", b"tail-%d" % index],
    }
    if pattern == "mixed":
        if index % 100 == 99:
            return shapes["large"]()
        order = ("single", "multi-gap", "empty", "all-empty", "binary", "protocol-lookalike", "many")
        return shapes[order[index % len(order)]]()
    if pattern == "multi":
        return shapes["multi-gap" if index % 2 == 0 else "many"]()
    if pattern == "empty":
        return shapes["empty" if index % 2 == 0 else "all-empty"]()
    return shapes[pattern]()


class Checker:
    """Checks a reply against the request and the worker transform the test announced."""

    def __init__(self, args, service):
        self.service = service
        self.upper = args.expect_upper
        self.prefixes = [p.encode("utf-8") for p in (args.expect_prefix or [])]
        self.envelope = list(args.envelope or []) if args.socket == "dealer" else []

    def check(self, body, envelope, frames):
        """Returns (problem or None, prefix that matched or None)."""
        if envelope != self.envelope:
            return "envelope %r != %r" % ([e.hex() for e in envelope], [e.hex() for e in self.envelope]), None
        if frames is None or len(frames) < 2:
            return "reply has no delimiter or fewer than 2 frames", None
        if frames[0] != MDPC01:
            return "header %r != MDPC01" % frame_text(frames[0]), None
        if frames[1] != self.service:
            return "service %r != %r" % (frame_text(frames[1]), frame_text(self.service)), None
        expected = [f.upper() for f in body] if self.upper else list(body)
        got = frames[2:]
        if not self.prefixes:
            return (None, None) if got == expected else ("body differs", None)
        if len(got) != len(expected) or got[1:] != expected[1:]:
            return "body differs", None
        for prefix in self.prefixes:
            if got[0] == prefix + expected[0]:
                return None, prefix
        return "first frame has none of the expected prefixes", None


def describe(body, envelope, frames):
    shown = frames if frames is not None else []
    return {
        "request": frames_json(body[:12]),
        "reply": frames_json(shown[:12]),
        "envelope": [e.hex() for e in envelope],
    }


def run_single(connection, args, service, body):
    try:
        envelope, frames, retries = connection.call(service, body, args.timeout_ms, args.retries)
    except Timeout:
        emit({"ok": False, "error": "timeout", "timeoutMs": args.timeout_ms, "retries": args.retries})
        return EXIT_TIMEOUT
    except Interrupted:
        emit({"ok": False, "error": "interrupted"})
        return EXIT_INTERRUPTED
    result = {"ok": True, "envelope": [e.hex() for e in envelope], "retries": retries}
    if frames is None or len(frames) < 2 or frames[0] != MDPC01 or frames[1] != service:
        result["ok"] = False
        result["error"] = "bad-reply"
        result.update(frames_json(frames or []))
        emit(result)
        return EXIT_MISMATCH
    result["header"] = frame_text(frames[0])
    result["service"] = frame_text(frames[1])
    result.update(frames_json(frames[2:]))
    if args.decode_f64:
        result["f64"] = [f64_values(f) for f in frames[3:]]
    if service.startswith(MMI_PREFIX) and len(frames) > 2:
        result["code"] = frame_text(frames[-1])
    emit(result)
    return EXIT_OK


def run_count(connection, args, service):
    checker = Checker(args, service)
    summary = {"ok": True, "sent": 0, "received": 0, "mismatches": 0, "timeouts": 0, "retries": 0}
    by_prefix = {}
    first_mismatch = None
    exit_code = EXIT_OK
    started = now_ms()
    for index in range(args.count):
        body = body_for(args.pattern, index)
        summary["sent"] += 1
        try:
            envelope, frames, retries = connection.call(service, body, args.timeout_ms, args.retries)
        except Timeout:
            summary["timeouts"] += 1
            exit_code = EXIT_TIMEOUT
            break
        except Interrupted:
            summary["interrupted"] = True
            exit_code = EXIT_INTERRUPTED
            break
        summary["received"] += 1
        summary["retries"] += retries
        problem, prefix = checker.check(body, envelope, frames)
        if problem is not None:
            summary["mismatches"] += 1
            if first_mismatch is None:
                first_mismatch = {"index": index, "problem": problem, **describe(body, envelope, frames)}
            exit_code = EXIT_MISMATCH
        elif prefix is not None:
            key = frame_text(prefix)
            by_prefix[key] = by_prefix.get(key, 0) + 1
    summary["ok"] = exit_code == EXIT_OK
    summary["elapsedMs"] = round(now_ms() - started, 1)
    if by_prefix:
        summary["byPrefix"] = by_prefix
    if first_mismatch is not None:
        summary["firstMismatch"] = first_mismatch
    emit(summary)
    return exit_code


def main():
    parser = argparse.ArgumentParser(description="Plain MDP/0.1 client for interop tests.")
    parser.add_argument("--endpoint", required=True, help="broker endpoint, e.g. tcp://127.0.0.1:5555")
    parser.add_argument("--service", default="echo", help="service name (default echo)")
    parser.add_argument("--socket", choices=("req", "dealer"), default="req", help="socket type (default req)")
    parser.add_argument("--body", dest="body", action="append", type=lambda s: s.encode("utf-8"),
                        help="one body frame as UTF-8 text (repeatable; single-call mode)")
    parser.add_argument("--body-hex", dest="body", action="append", type=bytes.fromhex,
                        help="one body frame as hex (repeatable; single-call mode)")
    parser.add_argument("--body-f64", dest="body", action="append", type=f64_frame,
                        help="one body frame: comma-separated numbers as little-endian float64 (repeatable; "
                             "write --body-f64=-1,2 when the first number is negative)")
    parser.add_argument("--decode-f64", action="store_true",
                        help="single call: also print reply body frames after the first as float64 lists")
    parser.add_argument("--count", type=int, default=None, help="number of requests (count mode)")
    parser.add_argument("--pattern", choices=("mixed", "single", "multi", "empty", "large"), default="mixed",
                        help="request bodies in count mode (default mixed)")
    parser.add_argument("--timeout-ms", type=int, default=5000, help="bound on every receive (default 5000)")
    parser.add_argument("--retries", type=int, default=0, help="resends on a new socket after a timeout")
    parser.add_argument("--expect-prefix", action="append", default=None,
                        help="count mode: the worker prefixes the first frame with one of these (repeatable)")
    parser.add_argument("--expect-upper", action="store_true", help="count mode: the worker upper-cases")
    parser.add_argument("--envelope", dest="envelope", action="append", type=lambda s: s.encode("utf-8"),
                        help="DEALER: an extra envelope frame before the delimiter (repeatable)")
    parser.add_argument("--envelope-hex", dest="envelope", action="append", type=bytes.fromhex,
                        help="DEALER: an extra envelope frame as hex (repeatable)")
    args = parser.parse_args()
    if (args.body is None) == (args.count is None):
        parser.error("give either --body/--body-hex (single call) or --count (count mode)")
    if args.count is not None and args.count < 0:
        parser.error("--count must be >= 0")
    if args.timeout_ms <= 0 or args.retries < 0:
        parser.error("--timeout-ms must be positive and --retries >= 0")
    if args.envelope and args.socket != "dealer":
        parser.error("--envelope needs --socket dealer (a REQ socket owns its envelope)")
    if args.envelope and any(len(e) == 0 for e in args.envelope):
        parser.error("--envelope frames must not be empty (an empty frame is the delimiter)")

    signals = SignalWatch()
    context = zmq.Context()
    connection = Connection(context, args, signals)
    service = args.service.encode("utf-8")
    try:
        if args.body is not None:
            code = run_single(connection, args, service, args.body)
        else:
            code = run_count(connection, args, service)
    finally:
        connection.close()
        context.term()
    sys.exit(code)


if __name__ == "__main__":
    main()

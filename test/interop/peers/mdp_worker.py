#!/usr/bin/python3
"""A plain MDP/0.1 worker (ZeroMQ RFC 7) on a DEALER socket, for interop tests.

Behaviour (RFC 7 "Opening and Closing" and "Heartbeating"):
  * opens a new DEALER per connection and sends READY exactly once on it;
  * sends HEARTBEAT every --heartbeat-ms, also while a (delayed) request is pending;
  * any broker message counts as a sign of life; after --liveness intervals of silence it waits
    --reconnect-ms and reconnects with a new socket (new routing id, new READY);
  * on DISCONNECT from the broker it waits --disconnect-delay-ms (default 100; the reference waits 0)
    and reconnects with a new socket; the pause keeps a broker that rejects the worker (READY for an
    mmi. service, say) from turning into a tight connect loop;
  * answers each REQUEST with a REPLY: an echo of the body, optionally upper-cased (--upper) and/or
    with --prefix prepended to the first body frame, so tests can tell workers apart.

Stdout is one JSON line per event: start, ready, request, reconnect, invalid, exit.

--exit-after N ends the worker after N requests, to simulate a worker that goes away:
  --exit-mode silent      (default) after the N-th REPLY, exit without DISCONNECT (broker must expire it)
  --exit-mode disconnect  after the N-th REPLY, send DISCONNECT and exit
  --exit-mode crash       on the (N+1)-th REQUEST, exit at once without replying (dies holding a request)

Usage: mdp_worker.py --endpoint tcp://127.0.0.1:PORT [--service echo] [--heartbeat-ms 2500]
                     [--liveness 3] [--reconnect-ms 1000] [--disconnect-delay-ms 100] [--upper] [--prefix P] [--delay-ms 0]
                     [--exit-after N] [--exit-mode silent|disconnect|crash]
"""

import argparse
import os

import zmq

from mdp_common import (
    COMMAND_NAMES,
    DISCONNECT,
    FAREWELL_LINGER_MS,
    HEARTBEAT,
    MDPW01,
    READY,
    REPLY,
    REQUEST,
    SignalWatch,
    emit,
    frame_text,
    now_ms,
)

EXIT_CODE_CRASH = 3


class Worker:
    def __init__(self, args, signals):
        self.args = args
        self.signals = signals
        self.service = args.service.encode("utf-8")
        self.prefix = args.prefix.encode("utf-8") if args.prefix is not None else None
        self.context = zmq.Context()
        self.socket = None
        self.generation = 0
        self.handled = 0
        self.pending = None  # (due_ms, envelope, body): a delayed reply not sent yet
        self.last_inbound_ms = 0.0
        self.heartbeat_at_ms = 0.0

    # ---- connection ----------------------------------------------------------------------------

    def connect(self):
        """A new DEALER (and so a new routing id), then READY: exactly one READY per socket."""
        if self.socket is not None:
            self.socket.close(linger=0)
        self.socket = self.context.socket(zmq.DEALER)
        self.socket.setsockopt(zmq.LINGER, 0)
        self.socket.connect(self.args.endpoint)
        self.generation += 1
        self.pending = None  # a request from the old connection cannot be answered on the new one
        self.send([READY, self.service])
        self.last_inbound_ms = now_ms()
        self.heartbeat_at_ms = now_ms() + self.args.heartbeat_ms
        emit({"event": "ready", "service": self.args.service, "socket": self.generation})

    def send(self, command_frames):
        # The pipe to one broker never blocks for long; block (not NOBLOCK) so nothing is dropped.
        self.socket.send_multipart([b"", MDPW01] + list(command_frames), copy=False)

    def reconnect(self, reason):
        emit({"event": "reconnect", "reason": reason, "socket": self.generation})
        self.socket.close(linger=0)
        self.socket = None
        delay_ms = self.args.reconnect_ms if reason == "silence" else self.args.disconnect_delay_ms
        if not self.signals.sleep_ms(delay_ms):
            return
        self.connect()

    # ---- requests ------------------------------------------------------------------------------

    def transform(self, body):
        reply = [bytes(f) for f in body]
        if self.args.upper:
            reply = [f.upper() for f in reply]
        if self.prefix is not None:
            reply = [self.prefix + reply[0]] + reply[1:] if reply else [self.prefix]
        return reply

    def on_request(self, args):
        """args = [address...][""][body...]. Returns False if the worker must stop now."""
        if b"" not in args or args.index(b"") < 1:
            emit({"event": "invalid", "reason": "request-envelope"})
            return True
        delimiter = args.index(b"")
        envelope, body = args[:delimiter], args[delimiter + 1 :]
        if self.args.exit_after is not None and self.handled >= self.args.exit_after:
            # --exit-mode crash: die holding this request, like a process that is killed mid-job.
            emit({"event": "exit", "reason": "crash", "handled": self.handled})
            os._exit(EXIT_CODE_CRASH)
        self.handled += 1
        emit(
            {
                "event": "request",
                "n": self.handled,
                "frames": len(body),
                "bytes": sum(len(f) for f in body),
                "first": frame_text(body[0])[:64] if body else None,
            }
        )
        self.pending = (now_ms() + self.args.delay_ms, envelope, body)
        return self.flush_pending()

    def flush_pending(self):
        """Send the pending reply if its delay is over. Returns False if --exit-after says stop."""
        if self.pending is None or self.pending[0] > now_ms():
            return True
        _, envelope, body = self.pending
        self.pending = None
        self.send([REPLY] + list(envelope) + [b""] + self.transform(body))
        if (
            self.args.exit_after is not None
            and self.handled >= self.args.exit_after
            and self.args.exit_mode != "crash"
        ):
            return False
        return True

    # ---- main loop -----------------------------------------------------------------------------

    def run(self):
        """Returns the exit reason."""
        self.connect()
        expiry_span_ms = self.args.heartbeat_ms * self.args.liveness
        while self.signals.triggered is None:
            if self.socket is None:  # a reconnect sleep was interrupted by a signal
                break
            poller = zmq.Poller()
            poller.register(self.socket, zmq.POLLIN)
            self.signals.register(poller)
            wake_at = min(self.heartbeat_at_ms, self.last_inbound_ms + expiry_span_ms)
            if self.pending is not None:
                wake_at = min(wake_at, self.pending[0])
            events = dict(poller.poll(max(0.0, wake_at - now_ms())))
            self.signals.check(events)
            if self.signals.triggered is not None:
                break
            if self.socket in events:
                outcome = self.receive_all()
                if outcome is not None:
                    if outcome != "reconnect":
                        return outcome
                    continue
            if not self.flush_pending():
                return "exit-after"
            now = now_ms()
            if now - self.last_inbound_ms >= expiry_span_ms:
                self.reconnect("silence")
                continue
            if now >= self.heartbeat_at_ms:
                self.send([HEARTBEAT])
                self.heartbeat_at_ms = now + self.args.heartbeat_ms
        return self.signals.triggered

    def receive_all(self):
        """Handle every queued message. Returns None, "reconnect", or an exit reason."""
        while True:
            try:
                frames = [bytes(f) for f in self.socket.recv_multipart(flags=zmq.NOBLOCK, copy=False)]
            except zmq.Again:
                return None
            self.last_inbound_ms = now_ms()
            if len(frames) < 3 or frames[0] != b"" or frames[1] != MDPW01 or len(frames[2]) != 1:
                emit({"event": "invalid", "reason": "frames", "count": len(frames)})
                continue
            command, args = frames[2], frames[3:]
            if command == REQUEST:
                if not self.on_request(args):
                    return "exit-after"
            elif command == HEARTBEAT:
                pass
            elif command == DISCONNECT:
                self.reconnect("disconnect")
                return "reconnect"
            else:
                emit({"event": "invalid", "reason": "command", "command": COMMAND_NAMES.get(command, command.hex())})

    def close(self, reason):
        if self.socket is not None:
            farewell = reason != "exit-after" or self.args.exit_mode == "disconnect"
            if farewell:
                self.send([DISCONNECT])
            # Flush the last REPLY (and DISCONNECT) before the socket goes; bounded, so exit is prompt.
            self.socket.close(linger=FAREWELL_LINGER_MS)
            self.socket = None
        self.context.term()
        emit({"event": "exit", "reason": reason, "handled": self.handled})


def main():
    parser = argparse.ArgumentParser(description="Plain MDP/0.1 worker for interop tests.")
    parser.add_argument("--endpoint", required=True, help="broker endpoint, e.g. tcp://127.0.0.1:5555")
    parser.add_argument("--service", default="echo", help="service name (default echo)")
    parser.add_argument("--heartbeat-ms", type=int, default=2500, help="heartbeat interval (default 2500)")
    parser.add_argument("--liveness", type=int, default=3, help="silent intervals before reconnect (default 3)")
    parser.add_argument("--reconnect-ms", type=int, default=1000, help="wait before reconnecting after silence")
    parser.add_argument(
        "--disconnect-delay-ms", type=int, default=100, help="wait before reconnecting after DISCONNECT"
    )
    parser.add_argument("--upper", action="store_true", help="reply with the body upper-cased")
    parser.add_argument("--prefix", default=None, help="prepend this to the first body frame of each reply")
    parser.add_argument("--delay-ms", type=int, default=0, help="answer each request after this delay")
    parser.add_argument("--exit-after", type=int, default=None, help="stop after this many requests")
    parser.add_argument(
        "--exit-mode",
        choices=("silent", "disconnect", "crash"),
        default="silent",
        help="how --exit-after ends the worker (default silent)",
    )
    args = parser.parse_args()
    if args.heartbeat_ms <= 0 or args.liveness <= 0 or args.reconnect_ms < 0 or args.delay_ms < 0:
        parser.error("--heartbeat-ms and --liveness must be positive; --reconnect-ms and --delay-ms >= 0")
    if args.disconnect_delay_ms < 0:
        parser.error("--disconnect-delay-ms must be >= 0")
    if args.exit_after is not None and args.exit_after < 0:
        parser.error("--exit-after must be >= 0")

    signals = SignalWatch()
    emit({"event": "start", "pid": os.getpid(), "service": args.service, "endpoint": args.endpoint})
    worker = Worker(args, signals)
    reason = worker.run()
    worker.close(reason)


if __name__ == "__main__":
    main()

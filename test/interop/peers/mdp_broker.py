#!/usr/bin/python3
"""A minimal, independent MDP/0.1 broker (ZeroMQ RFC 7 + RFC 8 mmi.service), for interop tests.

One ROUTER socket serves clients and workers. The bound endpoint is printed as the first stdout line,
{"endpoint": "tcp://127.0.0.1:NNNN"}; later lines are JSON events (ready, disconnect, expired, ...).

Envelopes:
  default           every frame before the first empty frame is the client's return envelope and the
                    whole envelope goes back with the reply (domo docs/protocol.md section 2).
  --single-address  pops exactly one address frame, then one more frame that it takes to be the empty
                    delimiter without looking at it, as the reference broker does; a client with a longer
                    envelope therefore has its request dropped (the header is not where it is expected).

Workers get exactly one address frame (the client's routing id); the broker keeps the client's whole
envelope in its record of the worker's request and routes the REPLY by that record. Heartbeats go to
every worker, idle or busy; any worker silent for liveness x interval is removed. A request held by a
worker that is removed is dropped (reported as a "request-lost" event), as in the reference broker.

Usage: mdp_broker.py [--bind tcp://127.0.0.1:*] [--heartbeat-ms 2500] [--liveness 3]
                     [--single-address] [--verbose]
"""

import argparse
import collections

import zmq

from mdp_common import (
    DISCONNECT,
    FAREWELL_LINGER_MS,
    HEARTBEAT,
    MDPC01,
    MDPW01,
    MMI_NOT_FOUND,
    MMI_NOT_IMPLEMENTED,
    MMI_OK,
    MMI_PREFIX,
    READY,
    REPLY,
    REQUEST,
    SignalWatch,
    emit,
    frame_text,
    now_ms,
)

# Socket messages handled per pass before timers are checked again, so a flood cannot starve heartbeats.
MAX_MESSAGES_PER_PASS = 1000


class Request:
    """A client request waiting for, or held by, a worker."""

    __slots__ = ("envelope", "body")

    def __init__(self, envelope, body):
        self.envelope = envelope
        self.body = body


class Worker:
    """A registered worker: routing envelope, service, expiry, and the request it holds (or None)."""

    __slots__ = ("envelope", "key", "service", "expiry_ms", "request")

    def __init__(self, envelope, key, service, expiry_ms):
        self.envelope = envelope
        self.key = key
        self.service = service
        self.expiry_ms = expiry_ms
        self.request = None


class Service:
    """Per-service request queue and LRU list of idle workers."""

    __slots__ = ("name", "requests", "waiting", "worker_count")

    def __init__(self, name):
        self.name = name
        self.requests = collections.deque()
        self.waiting = collections.deque()
        self.worker_count = 0


def key_text(key):
    """A worker key (tuple of envelope frames) as hex for events."""
    return ".".join(bytes(f).hex() for f in key)


class Broker:
    def __init__(self, args):
        self.single_address = args.single_address
        self.heartbeat_ms = args.heartbeat_ms
        self.expiry_span_ms = args.heartbeat_ms * args.liveness
        self.verbose = args.verbose
        self.workers = {}
        self.services = {}
        self.counters = collections.Counter()
        self.context = zmq.Context()
        self.socket = self.context.socket(zmq.ROUTER)
        self.socket.setsockopt(zmq.LINGER, 0)
        # Mandatory routing: a send to a vanished peer fails (EHOSTUNREACH) instead of silently
        # disappearing, so a request is never handed to a worker that is already gone.
        self.socket.setsockopt(zmq.ROUTER_MANDATORY, 1)
        self.socket.bind(args.bind)
        self.endpoint = self.socket.getsockopt(zmq.LAST_ENDPOINT).decode("ascii")

    # ---- sending -------------------------------------------------------------------------------

    def send(self, frames):
        """Send without blocking; a vanished peer or a full pipe drops the message. True if sent."""
        try:
            self.socket.send_multipart(frames, flags=zmq.NOBLOCK, copy=False)
            return True
        except zmq.ZMQError as err:
            self.counters["send-failed"] += 1
            if self.verbose:
                emit({"event": "send-failed", "errno": err.errno, "error": str(err)})
            return False

    def send_to_worker(self, envelope, command, extra=()):
        return self.send(list(envelope) + [b"", MDPW01, command] + list(extra))

    # ---- registries ----------------------------------------------------------------------------

    def service(self, name):
        service = self.services.get(name)
        if service is None:
            service = Service(name)
            self.services[name] = service
        return service

    def forget_service_if_unused(self, service):
        # Bounded state: a name with no workers and nothing queued is dropped (no leak per typo).
        if service.worker_count == 0 and not service.requests and not service.waiting:
            self.services.pop(service.name, None)

    def remove_worker(self, worker, reason, send_disconnect):
        if self.workers.pop(worker.key, None) is None:
            return
        if send_disconnect:
            self.send_to_worker(worker.envelope, DISCONNECT)
        service = self.services.get(worker.service)
        if service is not None:
            service.worker_count -= 1
            try:
                service.waiting.remove(worker)
            except ValueError:
                pass
        emit({"event": reason, "worker": key_text(worker.key), "service": frame_text(worker.service)})
        if worker.request is not None:
            self.counters["requests-lost"] += 1
            emit({"event": "request-lost", "worker": key_text(worker.key), "service": frame_text(worker.service)})
            worker.request = None
        if service is not None:
            self.forget_service_if_unused(service)

    def worker_waiting(self, worker):
        service = self.service(worker.service)
        service.waiting.append(worker)
        self.dispatch(service)

    def dispatch(self, service):
        now = now_ms()
        while service.waiting and service.requests:
            worker = service.waiting.popleft()
            if worker.expiry_ms <= now:
                self.remove_worker(worker, "expired", send_disconnect=False)
                continue
            request = service.requests.popleft()
            # Exactly one address frame to the worker (RFC 7); the full envelope stays in our record.
            sent = self.send_to_worker(worker.envelope, REQUEST, [request.envelope[0], b""] + request.body)
            if not sent:
                service.requests.appendleft(request)
                self.remove_worker(worker, "unreachable", send_disconnect=False)
                continue
            worker.request = request
            self.counters["dispatched"] += 1
        self.forget_service_if_unused(service)

    # ---- inbound -------------------------------------------------------------------------------

    def split(self, frames):
        """(envelope, rest after the delimiter), or None if there is no delimiter."""
        if self.single_address:
            # Reference behaviour: one address frame, then one frame taken as the delimiter unchecked.
            if len(frames) < 3:
                return None
            return frames[:1], frames[2:]
        for index in range(1, len(frames)):
            if len(frames[index]) == 0:
                return frames[:index], frames[index + 1 :]
        return None

    def invalid(self, reason, envelope=None):
        self.counters["invalid"] += 1
        event = {"event": "invalid", "reason": reason}
        if envelope is not None:
            event["peer"] = key_text(envelope)
        emit(event)

    def handle(self, raw):
        frames = [bytes(f) for f in raw]
        split = self.split(frames)
        if split is None:
            self.invalid("no-delimiter")
            return
        envelope, rest = split
        if not rest:
            self.invalid("no-header", envelope)
        elif rest[0] == MDPC01:
            self.handle_client(envelope, rest[1:])
        elif rest[0] == MDPW01:
            self.handle_worker(envelope, rest[1:])
        else:
            self.invalid("unknown-header", envelope)

    def handle_client(self, envelope, rest):
        # rest = [service][body...]; RFC 7 requires at least one body frame.
        if len(rest) < 2 or len(rest[0]) == 0:
            self.invalid("client-frames", envelope)
            return
        name, body = rest[0], rest[1:]
        self.counters["requests"] += 1
        if self.verbose:
            emit({"event": "request", "service": frame_text(name), "frames": len(body)})
        if name.startswith(MMI_PREFIX):
            self.handle_mmi(envelope, name, body)
            return
        service = self.service(name)
        service.requests.append(Request(envelope, body))
        self.dispatch(service)

    def handle_mmi(self, envelope, name, body):
        if name == b"mmi.service":
            service = self.services.get(body[-1])
            code = MMI_OK if service is not None and service.worker_count > 0 else MMI_NOT_FOUND
        else:
            code = MMI_NOT_IMPLEMENTED
        self.counters["mmi"] += 1
        # As RFC 8 shows it: the reply is the request with the last body frame replaced by the code.
        self.send(list(envelope) + [b"", MDPC01, name] + body[:-1] + [code])

    def handle_worker(self, envelope, rest):
        key = tuple(envelope)
        worker = self.workers.get(key)
        if not rest or len(rest[0]) != 1:
            self.invalid("worker-command-frame", envelope)
            if worker is not None:
                self.remove_worker(worker, "invalid", send_disconnect=True)
            else:
                self.send_to_worker(envelope, DISCONNECT)
            return
        command, args = rest[0], rest[1:]
        if worker is not None:
            worker.expiry_ms = now_ms() + self.expiry_span_ms

        if command == READY:
            if len(args) != 1 or len(args[0]) == 0:
                self.invalid("ready-frames", envelope)
                if worker is not None:
                    self.remove_worker(worker, "invalid", send_disconnect=True)
                else:
                    self.send_to_worker(envelope, DISCONNECT)
            elif worker is not None:
                # READY twice on one connection is a protocol error (RFC 7).
                self.remove_worker(worker, "ready-twice", send_disconnect=True)
            elif args[0].startswith(MMI_PREFIX):
                # RFC 8: the mmi. namespace is the broker's own.
                emit({"event": "rejected", "reason": "mmi-service", "service": frame_text(args[0])})
                self.send_to_worker(envelope, DISCONNECT)
            else:
                worker = Worker(envelope, key, args[0], now_ms() + self.expiry_span_ms)
                self.workers[key] = worker
                self.service(worker.service).worker_count += 1
                emit({"event": "ready", "worker": key_text(key), "service": frame_text(worker.service)})
                self.worker_waiting(worker)
        elif command == REPLY:
            delimiter = args.index(b"") if b"" in args else -1
            if worker is None or worker.request is None or delimiter < 1:
                # Unknown worker, a worker with no request, or no client address + delimiter.
                if worker is None:
                    self.send_to_worker(envelope, DISCONNECT)
                else:
                    self.remove_worker(worker, "unexpected-reply", send_disconnect=True)
                return
            request = worker.request
            worker.request = None
            body = args[delimiter + 1 :] or [b""]
            # Routed by our record of the request, never by the address the worker sent back.
            self.send(list(request.envelope) + [b"", MDPC01, worker.service] + body)
            self.counters["replies"] += 1
            self.worker_waiting(worker)
        elif command == HEARTBEAT:
            if worker is None:
                self.send_to_worker(envelope, DISCONNECT)
        elif command == DISCONNECT:
            if worker is not None:
                self.remove_worker(worker, "disconnect", send_disconnect=False)
        else:
            self.invalid("worker-command", envelope)
            if worker is not None:
                self.remove_worker(worker, "invalid", send_disconnect=True)
            else:
                self.send_to_worker(envelope, DISCONNECT)

    # ---- timers --------------------------------------------------------------------------------

    def heartbeat(self):
        now = now_ms()
        for worker in [w for w in self.workers.values() if w.expiry_ms <= now]:
            self.remove_worker(worker, "expired", send_disconnect=False)
        for worker in list(self.workers.values()):
            if not self.send_to_worker(worker.envelope, HEARTBEAT):
                self.remove_worker(worker, "unreachable", send_disconnect=False)

    # ---- main loop -----------------------------------------------------------------------------

    def run(self, signals):
        poller = zmq.Poller()
        poller.register(self.socket, zmq.POLLIN)
        signals.register(poller)
        heartbeat_at = now_ms() + self.heartbeat_ms
        while signals.triggered is None:
            events = dict(poller.poll(max(0.0, heartbeat_at - now_ms())))
            signals.check(events)
            if self.socket in events:
                for _ in range(MAX_MESSAGES_PER_PASS):
                    try:
                        raw = self.socket.recv_multipart(flags=zmq.NOBLOCK, copy=False)
                    except zmq.Again:
                        break
                    self.handle(raw)
            if now_ms() >= heartbeat_at:
                self.heartbeat()
                heartbeat_at = now_ms() + self.heartbeat_ms

    def close(self, reason):
        # Tell workers we are going, so they reconnect at once rather than after liveness x interval.
        for worker in list(self.workers.values()):
            self.send_to_worker(worker.envelope, DISCONNECT)
        self.socket.setsockopt(zmq.LINGER, FAREWELL_LINGER_MS if self.workers else 0)
        self.socket.close()
        self.context.term()
        emit({"event": "exit", "reason": reason, "counters": dict(self.counters)})


def main():
    parser = argparse.ArgumentParser(description="Minimal independent MDP/0.1 broker for interop tests.")
    parser.add_argument("--bind", default="tcp://127.0.0.1:*", help="bind address (default tcp://127.0.0.1:*)")
    parser.add_argument("--heartbeat-ms", type=int, default=2500, help="heartbeat interval (default 2500)")
    parser.add_argument("--liveness", type=int, default=3, help="missed heartbeats before expiry (default 3)")
    parser.add_argument(
        "--single-address",
        action="store_true",
        help="pop exactly one address frame, as the reference broker does (default: full envelope)",
    )
    parser.add_argument("--verbose", action="store_true", help="also print an event per request")
    args = parser.parse_args()
    if args.heartbeat_ms <= 0 or args.liveness <= 0:
        parser.error("--heartbeat-ms and --liveness must be positive")

    signals = SignalWatch()
    broker = Broker(args)
    emit({"endpoint": broker.endpoint})
    broker.run(signals)
    broker.close(signals.triggered)


if __name__ == "__main__":
    main()

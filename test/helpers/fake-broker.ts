/**
 * A scripted raw-frame MDP broker for worker tests: a zeromq Router that records every message with
 * its sender and arrival time and sends exactly the frames a test tells it to. It has no logic of its
 * own beyond optional heartbeats, so tests see what the worker really sends.
 */
import { performance } from "node:perf_hooks";
import { Router } from "zeromq";
import { EMPTY_FRAME, MDPW01, WorkerCommand } from "../../protocol/constants.js";
import { ANY_TCP } from "./endpoint.js";
import { waitForPortFree } from "./port-free.js";

/** One message the fake broker received. */
export interface Received {
  readonly sender: Buffer;
  readonly senderHex: string;
  /** Frames after the routing id. */
  readonly frames: Buffer[];
  /** performance.now() at arrival. */
  readonly atMs: number;
  /** The worker command byte when the message is `[""][MDPW01][cmd]...`. */
  readonly command: number | undefined;
}

/** Options of {@link FakeBroker.next}. */
export interface NextOptions {
  timeoutMs?: number;
  /** Only messages from this sender. */
  from?: Buffer;
  /** Only messages with this worker command byte. */
  command?: number;
  /** Any other condition. */
  match?: (message: Received) => boolean;
}

const commandFrames = new Map<number, Buffer>(
  Object.values(WorkerCommand).map((c) => [c, Buffer.from([c])] as const),
);

function commandOf(frames: readonly Buffer[]): number | undefined {
  const [empty, header, command] = frames;
  if (empty?.length !== 0 || header === undefined || !header.equals(MDPW01) || command?.length !== 1) return undefined;
  return command[0];
}

/** The frames of a worker command as a DEALER sends them, for exact comparisons. */
export function workerFrames(command: number, ...rest: (Buffer | string)[]): Buffer[] {
  return [EMPTY_FRAME, MDPW01, commandFrames.get(command)!, ...rest.map((f) => (typeof f === "string" ? Buffer.from(f) : f))];
}

/** A Router bound to a fresh endpoint that records everything and sends what it is told. */
export class FakeBroker {
  readonly endpoint: string;
  /** Every message received, in arrival order. */
  readonly received: Received[] = [];
  readonly #router: Router;
  #cursor = 0;
  #waiters: (() => void)[] = [];
  #outbox: Buffer[][] = [];
  #sending = false;
  #heartbeatTimer: NodeJS.Timeout | undefined;
  #closed = false;

  private constructor(router: Router, endpoint: string) {
    this.#router = router;
    this.endpoint = endpoint;
  }

  /** Bind (default `tcp://127.0.0.1:*`; pass a resolved endpoint to rebind it) and start recording. */
  static async start(bind: string = ANY_TCP): Promise<FakeBroker> {
    const router = new Router({ linger: 0, mandatory: false });
    await router.bind(bind);
    const broker = new FakeBroker(router, router.lastEndpoint ?? bind);
    void broker.#receive();
    return broker;
  }

  async #receive(): Promise<void> {
    try {
      for await (const [sender, ...frames] of this.#router) {
        if (sender === undefined) continue;
        this.received.push({
          sender,
          senderHex: sender.toString("hex"),
          frames,
          atMs: performance.now(),
          command: commandOf(frames),
        });
        const waiters = this.#waiters;
        this.#waiters = [];
        for (const wake of waiters) wake();
      }
    } catch (error) {
      if (!this.#closed) throw error;
    }
  }

  /**
   * The next message (after the last one `next` returned) that matches; rejects after the timeout.
   * Messages skipped over because they did not match stay in `received` but are not returned later.
   */
  async next(options: NextOptions = {}): Promise<Received> {
    const { timeoutMs = 5000 } = options;
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      while (this.#cursor < this.received.length) {
        const message = this.received[this.#cursor]!;
        this.#cursor += 1;
        if (options.from !== undefined && !message.sender.equals(options.from)) continue;
        if (options.command !== undefined && message.command !== options.command) continue;
        if (options.match !== undefined && !options.match(message)) continue;
        return message;
      }
      const left = deadline - performance.now();
      if (left <= 0) {
        throw new Error(`FakeBroker.next timed out after ${timeoutMs} ms (command ${String(options.command)})`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Messages received so far that match. */
  filter(options: Omit<NextOptions, "timeoutMs">): Received[] {
    return this.received.filter(
      (m) =>
        (options.from === undefined || m.sender.equals(options.from)) &&
        (options.command === undefined || m.command === options.command) &&
        (options.match === undefined || options.match(m)),
    );
  }

  /** Send raw frames to a peer (the routing id is prepended). */
  send(to: Buffer, frames: readonly Buffer[]): void {
    this.#outbox.push([to, ...frames]);
    if (!this.#sending) void this.#drain();
  }

  /** Send `[""][MDPW01][0x04]`. */
  heartbeat(to: Buffer): void {
    this.send(to, workerFrames(WorkerCommand.HEARTBEAT));
  }

  /** Send `[""][MDPW01][0x05]`. */
  disconnect(to: Buffer): void {
    this.send(to, workerFrames(WorkerCommand.DISCONNECT));
  }

  /** Send `[""][MDPW01][0x02][client][""][body...]`. */
  request(to: Buffer, client: Buffer, body: readonly Buffer[]): void {
    this.send(to, workerFrames(WorkerCommand.REQUEST, client, EMPTY_FRAME, ...body));
  }

  /**
   * Heartbeat, every `intervalMs`, each sender that has sent READY and not DISCONNECT, unless
   * `include` says otherwise. Replaces any earlier auto-heartbeat.
   */
  autoHeartbeat(intervalMs: number, include: (senderHex: string) => boolean = () => true): void {
    this.stopHeartbeats();
    this.#heartbeatTimer = setInterval(() => {
      const live = new Map<string, Buffer>();
      for (const m of this.received) {
        if (m.command === WorkerCommand.READY) live.set(m.senderHex, m.sender);
        if (m.command === WorkerCommand.DISCONNECT) live.delete(m.senderHex);
      }
      for (const [hex, sender] of live) if (include(hex)) this.heartbeat(sender);
    }, intervalMs);
  }

  /** Stop auto heartbeats: from now on the broker is silent unless the test sends. */
  stopHeartbeats(): void {
    clearInterval(this.#heartbeatTimer);
    this.#heartbeatTimer = undefined;
  }

  async #drain(): Promise<void> {
    this.#sending = true;
    try {
      for (let m = this.#outbox.shift(); m !== undefined && !this.#closed; m = this.#outbox.shift()) {
        await this.#router.send(m);
      }
    } catch (error) {
      if (!this.#closed) throw error;
    } finally {
      this.#sending = false;
    }
  }

  /**
   * Close (linger 0) and wait until the port is released, so a test can bind the same endpoint again
   * at once. Idempotent. (Not `unbind()` then `close()`: that pair was the suspect when a libzmq
   * pipe-termination assert aborted a test run once under heavy load.)
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.stopHeartbeats();
    this.#router.close();
    if (this.endpoint.startsWith("tcp://")) await waitForPortFree(this.endpoint);
  }
}

/**
 * A real Broker plus raw-frame peers for conformance tests: one broker per test, peers with explicit
 * routing ids (so `cid` frames can be asserted byte for byte), fake workers that register and can
 * heartbeat on their own, and cleanup registered on the test context.
 */
import type { TestContext } from "node:test";
import type { Logger } from "pino";
import type { BrokerConfigInput } from "../../config/schema.js";
import { Broker, type BrokerStats } from "../../broker/index.js";
import type { BrokerEvents } from "../../broker/events.js";
import { bindAddress, type Transport } from "./endpoint.js";
import { RawPeer, frames } from "./raw-peer.js";
import { waitFor } from "./wait.js";

/**
 * Default test heartbeat: a short interval, and a liveness (500 ms) that tolerates a stalled test
 * process, so workers that heartbeat never expire by accident.
 */
export const TEST_HEARTBEAT = { intervalMs: 50, liveness: 10 } as const;
/** For tests about expiry: a silent worker goes after 150 ms. */
export const EXPIRY_HEARTBEAT = { intervalMs: 50, liveness: 3 } as const;

// ---- frame matchers (DEALER view of broker -> worker traffic) ----

const isWorkerCommand = (m: readonly Buffer[], command: number): boolean =>
  m.length >= 3 && m[0]!.length === 0 && m[1]!.toString("latin1") === "MDPW01" && m[2]!.length === 1 && m[2]![0] === command;

/** `[""][MDPW01][\x04]` exactly. */
export const isHeartbeat = (m: readonly Buffer[]): boolean => m.length === 3 && isWorkerCommand(m, 0x04);
/** `[""][MDPW01][\x05]` exactly. */
export const isDisconnect = (m: readonly Buffer[]): boolean => m.length === 3 && isWorkerCommand(m, 0x05);
/** A broker REQUEST `[""][MDPW01][\x02]...`. */
export const isRequest = (m: readonly Buffer[]): boolean => isWorkerCommand(m, 0x02);
/** Anything but a HEARTBEAT. */
export const notHeartbeat = (m: readonly Buffer[]): boolean => !isHeartbeat(m);

/** Sum of a keyed counter map. */
export function total(map: Record<string, number>): number {
  let sum = 0;
  for (const value of Object.values(map)) sum += value;
  return sum;
}

/** Take every message already received by `peer`. */
export async function drain(peer: RawPeer): Promise<Buffer[][]> {
  const out: Buffer[][] = [];
  while (peer.pending > 0) out.push(await peer.next());
  return out;
}

/** Resolve with the first `event` payload that satisfies `match`; reject after `timeoutMs`. */
export function nextEvent<E extends keyof BrokerEvents>(
  broker: Broker,
  event: E,
  match: (...args: Parameters<BrokerEvents[E]>) => boolean = () => true,
  timeoutMs = 5000,
): Promise<Parameters<BrokerEvents[E]>> {
  return new Promise((resolve, reject) => {
    const listener = (...args: Parameters<BrokerEvents[E]>): void => {
      if (!match(...args)) return;
      clearTimeout(timer);
      broker.off(event, listener as never);
      resolve(args);
    };
    const timer = setTimeout(() => {
      broker.off(event, listener as never);
      reject(new Error(`no matching ${event} event within ${timeoutMs} ms`));
    }, timeoutMs);
    broker.on(event, listener as never);
  });
}

/** A DEALER speaking MDP worker frames. */
export class FakeWorker {
  readonly peer: RawPeer;
  readonly routingId: string;
  readonly service: string;
  #pump: NodeJS.Timeout | undefined;

  constructor(peer: RawPeer, routingId: string, service: string) {
    this.peer = peer;
    this.routingId = routingId;
    this.service = service;
  }

  /** Routing id as the broker reports it (hex). */
  get idHex(): string {
    return Buffer.from(this.routingId, "latin1").toString("hex");
  }

  /** Send `[""][MDPW01][command]...`. */
  command(command: number, ...rest: (string | Buffer)[]): Promise<void> {
    return this.peer.send(frames("", "MDPW01", [command], ...rest));
  }

  /** Send HEARTBEAT every `intervalMs` until {@link stopHeartbeats} (the broker needs no reply to it). */
  startHeartbeats(intervalMs: number): void {
    this.stopHeartbeats();
    this.#pump = setInterval(() => {
      this.command(0x04).catch(() => undefined);
    }, intervalMs);
  }

  /** Stop the heartbeat pump; the worker goes silent. */
  stopHeartbeats(): void {
    clearInterval(this.#pump);
    this.#pump = undefined;
  }

  /** Wait for the next REQUEST (heartbeats skipped) and return `[clientAddress, body]`. */
  async nextRequest(timeoutMs = 3000): Promise<{ clientAddress: Buffer; body: Buffer[]; raw: Buffer[] }> {
    const raw = await this.peer.nextMatching(notHeartbeat, timeoutMs);
    if (!isRequest(raw) || raw[4]?.length !== 0) throw new Error(`expected a REQUEST, got ${raw.map((f) => f.toString("latin1")).join("|")}`);
    return { clientAddress: raw[3]!, body: raw.slice(5), raw };
  }

  /** Send a REPLY for `clientAddress`. */
  reply(clientAddress: Buffer, ...body: (string | Buffer)[]): Promise<void> {
    return this.command(0x03, clientAddress, "", ...body);
  }

  /** Answer every request with its own body until the socket closes. */
  echoForever(): void {
    const loop = async (): Promise<void> => {
      for (;;) {
        let request;
        try {
          request = await this.nextRequest(60_000);
        } catch {
          return;
        }
        await this.reply(request.clientAddress, ...request.body);
      }
    };
    loop().catch(() => undefined);
  }
}

/** A broker under test and the peers attached to it. */
export class Harness {
  readonly broker: Broker;
  readonly endpoint: string;
  readonly transport: Transport;
  readonly #peers: RawPeer[] = [];
  readonly #workers: FakeWorker[] = [];

  private constructor(broker: Broker, transport: Transport) {
    this.broker = broker;
    this.transport = transport;
    this.endpoint = broker.endpoints[0]!;
  }

  /** Start a broker on `transport`; it and every peer are closed when the test ends. */
  static async start(t: TestContext, transport: Transport, config: BrokerConfigInput = {}, logger?: Logger): Promise<Harness> {
    const broker = await Broker.start({
      config: {
        heartbeat: TEST_HEARTBEAT,
        ...config,
        bind: [bindAddress(transport, "conformance")],
        transport: { lingerMs: 0, ...config.transport },
        metrics: { enabled: false },
      },
      ...(logger !== undefined && { logger }),
    });
    const harness = new Harness(broker, transport);
    t.after(() => harness.close());
    return harness;
  }

  /** Snapshot of the broker. */
  stats(): BrokerStats {
    return this.broker.stats();
  }

  /** A DEALER with the given routing id. */
  dealer(routingId?: string): RawPeer {
    const peer = RawPeer.dealer(this.endpoint, routingId);
    this.#peers.push(peer);
    return peer;
  }

  /** A REQ with the given routing id. */
  req(routingId?: string): RawPeer {
    const peer = RawPeer.req(this.endpoint, routingId);
    this.#peers.push(peer);
    return peer;
  }

  /** A worker DEALER that has not sent anything yet. */
  rawWorker(routingId: string, service: string): FakeWorker {
    const worker = new FakeWorker(this.dealer(routingId), routingId, service);
    this.#workers.push(worker);
    return worker;
  }

  /**
   * A worker that sent READY and is registered (waits for the broker's workerReady event). With
   * `heartbeat` (default true) it heartbeats every interval, so only tests about silence see expiry.
   */
  async worker(routingId: string, service: string, options: { heartbeat?: boolean } = {}): Promise<FakeWorker> {
    const worker = this.rawWorker(routingId, service);
    const ready = nextEvent(this.broker, "workerReady", (e) => e.workerId === worker.idHex);
    await worker.command(0x01, service);
    await ready;
    if (options.heartbeat ?? true) worker.startHeartbeats(this.broker.config.heartbeat.intervalMs);
    return worker;
  }

  /** Wait until `predicate(stats)` holds. */
  async until(predicate: (stats: BrokerStats) => boolean, what: string, timeoutMs = 5000): Promise<BrokerStats> {
    let last = this.stats();
    await waitFor(
      () => {
        last = this.stats();
        return predicate(last);
      },
      { timeoutMs, what },
    ).catch((err: unknown) => {
      throw new Error(`${(err as Error).message}\nlast stats: ${JSON.stringify({ ...last, counters: last.counters })}`);
    });
    return last;
  }

  /** One mmi request from a fresh REQ; returns the reply frames. */
  async mmi(service: string, ...body: string[]): Promise<Buffer[]> {
    const client = this.req();
    await client.send(frames("MDPC01", service, ...body));
    return client.next();
  }

  /** Close the broker, then every peer. Idempotent. */
  async close(): Promise<void> {
    for (const worker of this.#workers) worker.stopHeartbeats();
    await this.broker.close();
    await Promise.all(this.#peers.map((peer) => peer.close()));
  }
}

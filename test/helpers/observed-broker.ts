/**
 * Fixtures for the observability tests: an in-process broker with its metrics listener on a free
 * port, raw MDP workers and clients (DEALERs speaking frames, no SDK), and scraping helpers.
 */
import type { TestContext } from "node:test";
import { Broker, startObservability, type Observability, type ObservabilityOptions } from "../../broker/index.js";
import type { BrokerConfigInput } from "../../config/schema.js";
import { ANY_TCP } from "./endpoint.js";
import { parsePromText, sampleValue, type PromFamily } from "./prom-text.js";
import { RawPeer, frames } from "./raw-peer.js";
import { waitFor } from "./wait.js";

/** A broker with observability attached, both closed after the test. */
export interface ObservedBroker {
  broker: Broker;
  observability: Observability;
  endpoint: string;
}

/** Start a broker on tcp://127.0.0.1:* and its metrics listener on 127.0.0.1:0. */
export async function startObservedBroker(
  t: TestContext,
  config: BrokerConfigInput = {},
  options: ObservabilityOptions = {},
): Promise<ObservedBroker> {
  const broker = await Broker.start({ config: { bind: [ANY_TCP], ...config }, ...(options.logger && { logger: options.logger }) });
  t.after(() => broker.close());
  const observability = await startObservability(broker, { listen: "127.0.0.1:0", ...options });
  t.after(() => observability.close());
  return { broker, observability, endpoint: broker.endpoints[0]! };
}

/** GET `url` and return status and body text. */
export async function get(url: string): Promise<{ status: number; body: string; contentType: string | null }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: await res.text(), contentType: res.headers.get("content-type") };
}

/** Scrape /metrics and parse it strictly. */
export async function scrape(baseUrl: string): Promise<Map<string, PromFamily>> {
  const { status, body } = await get(`${baseUrl}/metrics`);
  if (status !== 200) throw new Error(`/metrics answered ${status}`);
  return parsePromText(body);
}

/** Parsed metric families. */
export type Families = Map<string, PromFamily>;

/** A sample's value, or NaN when the series is absent (so an equality assert names the difference). */
export function metricValue(families: Families, name: string, labels: Record<string, string> = {}): number {
  return sampleValue(families, name, labels) ?? Number.NaN;
}

/** Scrape until `check` holds (deadline 10 s); on timeout the error lists the last domo_* samples. */
export async function scrapeUntil(baseUrl: string, check: (f: Families) => boolean, what: string): Promise<Families> {
  let last: Families | undefined;
  try {
    return await waitFor(
      async () => {
        last = await scrape(baseUrl);
        return check(last) ? last : undefined;
      },
      { timeoutMs: 10_000, pollMs: 25, what },
    );
  } catch (err) {
    const domo = last ? [...last.values()].filter((f) => f.name.startsWith("domo_")).flatMap((f) => f.samples) : [];
    const shown = domo.map((s) => `${s.name}${JSON.stringify(s.labels)} ${s.value}`).join("\n");
    throw new Error(`${(err as Error).message}\nlast scrape:\n${shown}`, { cause: err });
  }
}

const MDPW01 = "MDPW01";
const isWorkerCommand = (m: readonly Buffer[], command: number): boolean =>
  m.length >= 3 && m[1]?.toString("latin1") === MDPW01 && m[2]?.length === 1 && m[2][0] === command;

/** A raw MDP/0.1 worker on a DEALER. */
export class RawWorker {
  readonly peer: RawPeer;
  readonly service: string;
  #pump: NodeJS.Timeout | undefined;

  private constructor(peer: RawPeer, service: string) {
    this.peer = peer;
    this.service = service;
  }

  /**
   * Connect and send READY. With `heartbeatMs`, send HEARTBEAT on that period until
   * {@link stopHeartbeats} (a raw worker that never heartbeats is expired by the broker).
   */
  static async start(t: TestContext, endpoint: string, service: string, heartbeatMs?: number): Promise<RawWorker> {
    const worker = new RawWorker(RawPeer.dealer(endpoint), service);
    t.after(() => worker.close());
    await worker.peer.send(frames("", MDPW01, [0x01], service));
    if (heartbeatMs !== undefined) {
      worker.#pump = setInterval(() => void worker.peer.send(frames("", MDPW01, [0x04])).catch(() => undefined), heartbeatMs);
    }
    return worker;
  }

  /** Wait for the next REQUEST; returns the client address frame and the body. */
  async nextRequest(timeoutMs = 5000): Promise<{ client: Buffer; body: Buffer[] }> {
    const m = await this.peer.nextMatching((f) => isWorkerCommand(f, 0x02), timeoutMs);
    return { client: m[3]!, body: m.slice(5) };
  }

  /** REPLY to `client` with `body`. */
  reply(client: Buffer, body: Buffer[]): Promise<void> {
    return this.peer.send([Buffer.alloc(0), Buffer.from(MDPW01), Buffer.from([0x03]), client, Buffer.alloc(0), ...body]);
  }

  /** Answer the next request with its own body. */
  async echoOne(timeoutMs = 5000): Promise<void> {
    const { client, body } = await this.nextRequest(timeoutMs);
    await this.reply(client, body);
  }

  /** Stop the heartbeat pump: the broker will expire this worker after liveness × interval. */
  stopHeartbeats(): void {
    clearInterval(this.#pump);
    this.#pump = undefined;
  }

  /** Stop heartbeats and close the socket. */
  async close(): Promise<void> {
    this.stopHeartbeats();
    await this.peer.close();
  }
}

/** A raw MDP/0.1 client on a DEALER (it sends the empty delimiter a REQ socket would add). */
export class RawClient {
  readonly peer: RawPeer;

  private constructor(peer: RawPeer) {
    this.peer = peer;
  }

  /** Connect a client; closed after the test. */
  static start(t: TestContext, endpoint: string): RawClient {
    const client = new RawClient(RawPeer.dealer(endpoint));
    t.after(() => client.peer.close());
    return client;
  }

  /** Send a request; `envelope` frames (e.g. a request tag) go before the delimiter. */
  send(service: string, body: string, envelope: Buffer[] = []): Promise<void> {
    return this.peer.send([...envelope, ...frames("", "MDPC01", service, body)]);
  }

  /** Send and wait for the reply; returns the reply body as text. */
  async call(service: string, body: string, timeoutMs = 5000): Promise<string> {
    await this.send(service, body);
    const reply = await this.peer.next(timeoutMs);
    return reply.slice(3).map((f) => f.toString("utf8")).join("");
  }
}

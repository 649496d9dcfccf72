/**
 * The domo client: the client SDK, as users call the broker (tagged envelopes, typed errors). Retries
 * are off, so a slow or lost request shows as a timeout instead of a hidden re-send.
 * @packageDocumentation
 */
import { Client } from "../../client-sdk/client.js";
import type { LoadTransport } from "./transport.js";

/** Requests to one service through one SDK client. */
export class DomoTransport implements LoadTransport {
  readonly #client: Client;
  readonly #service: string;

  constructor(endpoint: string, service: string) {
    this.#client = new Client({ endpoint, retries: 0, maxPending: 1_000_000 });
    this.#service = service;
  }

  request(body: Buffer[], timeoutMs: number): Promise<Buffer[]> {
    return this.#client.request(this.#service, body, { timeoutMs, retries: 0 });
  }

  close(): Promise<void> {
    return this.#client.close();
  }
}

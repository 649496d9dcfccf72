/**
 * One-shot helpers with the shape users of the original Lean bridge know: open a client, make one request
 * to the `matrix` service (or `options.service`), close the client, return the reply frames.
 * @packageDocumentation
 */
import type { RequestBody } from "./body.js";
import { Client } from "./client.js";
import { DEFAULT_HEARTBEAT, type ClientOptions, type HeartbeatOptions } from "./options.js";

/** Service the one-shot helpers call when no `service` option is given. */
export const DEFAULT_PIRATE_SERVICE = "matrix";

/** Extra options of the one-shot helpers. */
export interface PirateRequestOptions extends Omit<ClientOptions, "endpoint" | "timeoutMs" | "retries" | "heartbeat"> {
  /** Service to call. Default `matrix`. */
  readonly service?: string;
  /** Abort the request. */
  readonly signal?: AbortSignal;
}

async function oneShot(clientOptions: ClientOptions, body: RequestBody, options: PirateRequestOptions): Promise<Buffer[]> {
  const { service = DEFAULT_PIRATE_SERVICE, signal, ...rest } = options;
  const client = new Client({ ...rest, ...clientOptions });
  try {
    return await client.request(service, body, signal === undefined ? {} : { signal });
  } finally {
    await client.close();
  }
}

/**
 * Lazy Pirate: send, wait `timeoutMs`, re-send up to `maxRetries` times (so at most `maxRetries + 1`
 * attempts) with backoff, replacing the socket after repeated timeouts. Rejects with TimeoutError naming
 * the attempts and the endpoint, or with the typed error the broker or worker sent.
 */
export function lazyPirateRequest(
  endpoint: string,
  body: RequestBody,
  timeoutMs = 1000,
  maxRetries = 3,
  options: PirateRequestOptions = {},
): Promise<Buffer[]> {
  return oneShot({ endpoint, timeoutMs, retries: maxRetries }, body, options);
}

/**
 * Paranoid Pirate: as {@link lazyPirateRequest}, and the client watches the broker (ZMTP heartbeats,
 * socket events and MMI probes every `heartbeat.heartbeatIntervalMs`). When the broker is lost, an
 * idempotent request (the default) is re-sent once it is back; a non-idempotent one
 * (`options.idempotent: false`) fails at once with BrokerUnavailableError.
 */
export function paranoidPirateRequest(
  endpoint: string,
  body: RequestBody,
  timeoutMs = 5000,
  maxRetries = 5,
  heartbeat: HeartbeatOptions = DEFAULT_HEARTBEAT,
  options: PirateRequestOptions = {},
): Promise<Buffer[]> {
  return oneShot({ endpoint, timeoutMs, retries: maxRetries, heartbeat }, body, options);
}

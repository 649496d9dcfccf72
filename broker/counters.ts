/**
 * Monotonic counters behind stats(), mmi.health and the metrics endpoint.
 * @packageDocumentation
 */

/** Counts since start. Keyed maps only take keys from fixed sets (decode codes, reasons). */
export interface BrokerCounters {
  requestsReceived: number;
  requestsReplied: number;
  requestsExpired: number;
  requestsRejected: number;
  requestsFailed: number;
  requestsRedispatched: number;
  requestsDuplicate: number;
  mmiRequests: number;
  /** Messages the socket could not route (peer gone), by kind. */
  undeliverable: { reply: number; worker: number; other: number };
  heartbeatsSent: number;
  workersRegistered: number;
  /** Workers removed, by removal reason. */
  workersRemoved: Record<string, number>;
  /** Malformed messages dropped, by decode issue code. */
  invalidMessages: Record<string, number>;
  /** DISCONNECTs the broker sent, by why. */
  disconnectsSent: Record<string, number>;
  /** Outbound messages dropped because the writer queue was full or the peer was not keeping up. */
  sendDropped: number;
}

/** All counters at zero. */
export function newCounters(): BrokerCounters {
  return {
    requestsReceived: 0,
    requestsReplied: 0,
    requestsExpired: 0,
    requestsRejected: 0,
    requestsFailed: 0,
    requestsRedispatched: 0,
    requestsDuplicate: 0,
    mmiRequests: 0,
    undeliverable: { reply: 0, worker: 0, other: 0 },
    heartbeatsSent: 0,
    workersRegistered: 0,
    workersRemoved: {},
    invalidMessages: {},
    disconnectsSent: {},
    sendDropped: 0,
  };
}

/** Increment a keyed counter. */
export function bump(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}

/**
 * Endpoints for tests: never fixed ports. TCP binds port 0 (`tcp://127.0.0.1:*`) and reads back the
 * bound endpoint; inproc names are unique per process.
 */
let inprocCounter = 0;

/** A fresh inproc endpoint name. */
export function uniqueInproc(label = "test"): string {
  inprocCounter += 1;
  return `inproc://domo-${label}-${process.pid}-${inprocCounter}`;
}

/** The wildcard TCP bind address; read the real port from the bound socket afterwards. */
export const ANY_TCP = "tcp://127.0.0.1:*";

/** Transports key suites run over. */
export const TRANSPORTS = ["tcp", "inproc"] as const;
/** One of {@link TRANSPORTS}. */
export type Transport = (typeof TRANSPORTS)[number];

/** A bind address for the transport. */
export function bindAddress(transport: Transport, label?: string): string {
  return transport === "tcp" ? ANY_TCP : uniqueInproc(label);
}

/**
 * Failures of the metrics and health listener.
 * @packageDocumentation
 */

/** The metrics listener could not listen on `metrics.listen` (address taken, bad host, no permission). */
export class MetricsListenError extends Error {
  override readonly name = "MetricsListenError";
  /** The system error code, e.g. EADDRINUSE, EADDRNOTAVAIL, EACCES. */
  readonly code: string;
  readonly address: string;
  constructor(address: string, code: string, options?: ErrorOptions) {
    const fix =
      code === "EADDRINUSE"
        ? "another process (perhaps another broker) is using it; set a different `metrics.listen` (DOMO_METRICS_LISTEN), port 0 for any free port, or `metrics.enabled: false`"
        : "check `metrics.listen` (DOMO_METRICS_LISTEN), for example 127.0.0.1:9555, or set `metrics.enabled: false`";
    super(`cannot listen for metrics on ${address}: ${code}; ${fix}`, options);
    this.code = code;
    this.address = address;
  }
}

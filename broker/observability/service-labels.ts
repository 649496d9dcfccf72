/**
 * Bounded `service` label values. A service name comes from peers, and any client can send requests
 * to made-up names, so names cannot become label values freely: only services that have (or had) a
 * registered worker get their own value, up to a cap; everything else shares {@link OTHER_SERVICE_LABEL}.
 * The same mapping keeps the status report bounded.
 * @packageDocumentation
 */

/**
 * Default cap on distinct service label values. Each value costs about 50 series (two latency
 * histograms and the per-outcome counters), so 200 services keep the broker under ~10,000 series,
 * which one Prometheus scrape handles comfortably. Raise it with `maxServiceLabels` for larger fleets.
 */
export const DEFAULT_MAX_SERVICE_LABELS = 200;

/**
 * The one label value shared by every service without its own: no worker ever registered for it (a
 * typo, or a flood of random names), or it registered after the cap was reached. It starts with `_`,
 * which no sensible service name does, so it cannot be mistaken for a real service.
 */
export const OTHER_SERVICE_LABEL = "_other";

/** Maps service names to bounded label values. Names are only ever added, so a series never changes meaning. */
export class ServiceLabels {
  readonly maxLabels: number;
  readonly #known = new Set<string>();
  #overflowed = false;

  /** @param maxLabels - how many services may get their own label; throws RangeError if not a non-negative integer. */
  constructor(maxLabels = DEFAULT_MAX_SERVICE_LABELS) {
    if (!Number.isInteger(maxLabels) || maxLabels < 0) {
      throw new RangeError(`maxServiceLabels must be a non-negative integer, got ${String(maxLabels)}`);
    }
    this.maxLabels = maxLabels;
  }

  /**
   * A worker registered for `service`: give it its own label if there is room.
   * Returns `"added"` the first time, `"full"` when the cap left it under the shared label.
   */
  register(service: string): "added" | "known" | "full" {
    // A worker calling its service "_other" shares the shared label rather than shadowing it.
    if (this.#known.has(service) || service === OTHER_SERVICE_LABEL) return "known";
    if (this.#known.size >= this.maxLabels) {
      this.#overflowed = true;
      return "full";
    }
    this.#known.add(service);
    return "added";
  }

  /** True once a service was left under the shared label because the cap was reached. */
  get overflowed(): boolean {
    return this.#overflowed;
  }

  /** The label value for a service name. */
  labelOf(service: string): string {
    return this.#known.has(service) ? service : OTHER_SERVICE_LABEL;
  }

  /** Services with their own label, in registration order. */
  known(): IterableIterator<string> {
    return this.#known.values();
  }

  /** How many services have their own label. */
  get size(): number {
    return this.#known.size;
  }
}

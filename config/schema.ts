/**
 * The broker config: its schema (zod, which reports every problem at once with its path) and its type.
 * Every key is documented in docs/configuration.md. Unknown keys are errors: a misspelt key would
 * otherwise fall back to a default unnoticed.
 * @packageDocumentation
 */
import { z } from "zod";
import * as d from "./defaults.js";

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();
const endpoint = z
  .string()
  .regex(/^(tcp|ipc|inproc):\/\/.+$/, "must be a ZeroMQ endpoint such as tcp://127.0.0.1:5555");

/** Per-service policy. */
export const servicePolicySchema = z
  .object({
    /** Dispatch a request at most this many times when workers die holding it (1 = never re-run). */
    maxAttempts: positiveInt.max(100).default(d.DEFAULT_MAX_ATTEMPTS),
    /** False: a request whose worker died is failed, never run again. */
    idempotent: z.boolean().default(true),
    /**
     * Longest a worker may hold one request, in ms; past it the worker is disconnected and the request
     * re-run or failed like a dead worker's. 0 = no limit (MDP's default: a worker heartbeating while
     * busy may take as long as it needs).
     */
    maxServiceMs: nonNegativeInt.default(d.DEFAULT_MAX_SERVICE_MS),
  })
  .strict();

/** Schema of the whole broker config; `parse({})` gives the built-in defaults. */
export const brokerConfigSchema = z
  .object({
    bind: z.array(endpoint).min(1).default([...d.DEFAULT_BIND]),
    heartbeat: z
      .object({
        intervalMs: positiveInt.min(10).default(d.DEFAULT_HEARTBEAT_INTERVAL_MS),
        liveness: positiveInt.min(1).max(100).default(d.DEFAULT_HEARTBEAT_LIVENESS),
      })
      .strict()
      .default({}),
    requests: z
      .object({
        queueTimeoutMs: positiveInt.default(d.DEFAULT_QUEUE_TIMEOUT_MS),
        maxQueuedPerService: positiveInt.default(d.DEFAULT_MAX_QUEUED_PER_SERVICE),
        maxQueuedTotal: positiveInt.default(d.DEFAULT_MAX_QUEUED_TOTAL),
        maxQueuedBytes: positiveInt.default(d.DEFAULT_MAX_QUEUED_BYTES),
        softLimitRatio: z.number().gt(0).lte(1).default(d.DEFAULT_QUEUE_SOFT_LIMIT_RATIO),
      })
      .strict()
      .default({}),
    serviceDefaults: servicePolicySchema.default({}),
    /** Per-service overrides; a key left out takes its value from `serviceDefaults`, not the built-in default. */
    services: z
      .record(
        z.string().min(1),
        z
          .object({
            maxAttempts: positiveInt.max(100).optional(),
            idempotent: z.boolean().optional(),
            maxServiceMs: nonNegativeInt.optional(),
          })
          .strict(),
      )
      .default({}),
    transport: z
      .object({
        maxMessageBytes: positiveInt.default(d.DEFAULT_MAX_MESSAGE_BYTES),
        sendHighWaterMark: nonNegativeInt.default(d.DEFAULT_SEND_HIGH_WATER_MARK),
        receiveHighWaterMark: nonNegativeInt.default(d.DEFAULT_RECEIVE_HIGH_WATER_MARK),
        writerQueueLimit: positiveInt.default(d.DEFAULT_WRITER_QUEUE_LIMIT),
        lingerMs: nonNegativeInt.default(d.DEFAULT_LINGER_MS),
      })
      .strict()
      .default({}),
    shutdown: z
      .object({ drainTimeoutMs: nonNegativeInt.default(d.DEFAULT_DRAIN_TIMEOUT_MS) })
      .strict()
      .default({}),
    log: z
      .object({
        level: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
        /** `auto`: pretty on a TTY, JSON otherwise. */
        format: z.enum(["auto", "json", "pretty"]).default("auto"),
        /** One log line per completed request, with timings. */
        requests: z.boolean().default(false),
      })
      .strict()
      .default({}),
    metrics: z
      .object({
        enabled: z.boolean().default(true),
        listen: z
          .string()
          .regex(/^[^:]+:\d{1,5}$/, "must be host:port, for example 127.0.0.1:9555 (port 0 picks a free one)")
          .default(d.DEFAULT_METRICS_LISTEN),
      })
      .strict()
      .default({}),
  })
  .strict();

/** A complete, validated broker config. */
export type BrokerConfig = z.output<typeof brokerConfigSchema>;
/** What a config file or a caller may give: any subset of the keys. */
export type BrokerConfigInput = z.input<typeof brokerConfigSchema>;
/** Policy of one service. */
export type ServicePolicy = z.output<typeof servicePolicySchema>;

/** The built-in defaults, as a full config. */
export function defaultConfig(): BrokerConfig {
  return brokerConfigSchema.parse({});
}

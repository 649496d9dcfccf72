/**
 * The fixed sets every non-service label takes its values from. A value outside its set is reported
 * as `other`, so no code path, present or future, can grow the number of series.
 * @packageDocumentation
 */
import { DecodeIssueCode } from "../../protocol/errors.js";
import { MESSAGE_TOO_LARGE } from "../handlers/oversized-message.js";
import { RequestOutcome, WorkerRemovalReason } from "../removal-reason.js";

/** The value for anything outside a fixed set. */
export const OTHER_LABEL = "other";

/** `outcome` of domo_requests_total: how requests ended, plus `redispatched` (re-run after a worker died). */
export const REQUEST_OUTCOMES = [
  RequestOutcome.REPLIED,
  RequestOutcome.EXPIRED,
  RequestOutcome.REJECTED,
  RequestOutcome.FAILED,
  "redispatched",
] as const;

/** `reason` of domo_workers_removed_total. */
export const WORKER_REMOVAL_REASONS: readonly string[] = Object.values(WorkerRemovalReason);

/** `reason` of domo_invalid_messages_total: the decode issue codes and the size limit (docs/errors.md). */
export const INVALID_MESSAGE_REASONS: readonly string[] = [...Object.values(DecodeIssueCode), MESSAGE_TOO_LARGE];

/**
 * `reason` of domo_disconnects_sent_total: the labels the broker passes when it sends DISCONNECT
 * (broker/worker-lifecycle.ts callers). A unit test checks this list against the broker's sources.
 */
export const DISCONNECT_REASONS: readonly string[] = [
  "shutdown",
  "malformed",
  "unknown-worker",
  "ready-twice",
  "reply-while-idle",
  "unexpected-command",
  "mmi-service",
  "service-timeout",
];

/** Kinds of undeliverable messages (BrokerCounters.undeliverable). */
export const UNDELIVERABLE_KINDS = ["reply", "worker", "other"] as const;

/** `value` if it is in `allowed`, else {@link OTHER_LABEL}. */
export function fixedLabel(value: string, allowed: readonly string[]): string {
  return allowed.includes(value) ? value : OTHER_LABEL;
}

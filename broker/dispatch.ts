/**
 * Decoded message -> handler. The one table of what the broker does with each kind of input.
 * @packageDocumentation
 */
import { decodeBrokerInbound } from "../protocol/decode.js";
import type { BrokerContext } from "./context.js";
import { handleClientRequest } from "./handlers/client-request.js";
import { handleInvalidMessage } from "./handlers/invalid-message.js";
import { handleOversizedMessage, messageBytes } from "./handlers/oversized-message.js";
import { handleWorkerDisconnect, handleWorkerUnexpected } from "./handlers/worker-disconnect.js";
import { handleWorkerHeartbeat } from "./handlers/worker-heartbeat.js";
import { handleWorkerReady } from "./handlers/worker-ready.js";
import { handleWorkerReply } from "./handlers/worker-reply.js";

/** Decode one message from the ROUTER and apply it. Never throws on peer input. */
export function dispatchFrames(ctx: BrokerContext, frames: readonly Buffer[]): void {
  const bytes = messageBytes(frames);
  if (bytes > ctx.config.transport.maxMessageBytes) {
    handleOversizedMessage(ctx, frames, bytes);
    return;
  }
  const message = decodeBrokerInbound(frames);
  switch (message.kind) {
    case "decode-issue":
      handleInvalidMessage(ctx, message);
      return;
    case "client-request":
      handleClientRequest(ctx, message);
      return;
    case "worker-ready":
      handleWorkerReady(ctx, message, message.sender.toString("hex"));
      return;
    case "worker-reply":
      handleWorkerReply(ctx, message, message.sender.toString("hex"));
      return;
    case "worker-heartbeat":
      handleWorkerHeartbeat(ctx, message.sender, message.sender.toString("hex"));
      return;
    case "worker-disconnect":
      handleWorkerDisconnect(ctx, message.sender.toString("hex"));
      return;
    case "worker-unexpected":
      handleWorkerUnexpected(ctx, message.sender, message.sender.toString("hex"), message.command);
      return;
  }
}

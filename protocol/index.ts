/**
 * `domo/protocol`: the pure MDP/0.1 + MMI codec and domo's two opt-in extensions.
 * No sockets, no timers, no logging.
 * @packageDocumentation
 */
export * from "./constants.js";
export * from "./errors.js";
export type * from "./messages.js";
export * from "./decode.js";
export * from "./encode.js";
export * from "./request-tag.js";
export * from "./error-reply.js";

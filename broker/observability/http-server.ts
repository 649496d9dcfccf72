/**
 * The metrics and health listener (node:http, no framework): GET /metrics, /healthz, /readyz,
 * /status.json and the status page at /. Read-only; any other method gets 405.
 * @packageDocumentation
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import { MetricsListenError } from "./errors.js";
import { STATUS_PAGE_CSP, STATUS_PAGE_HTML } from "./status-page.js";

/** What the routes serve. */
export interface ObservabilityRoutes {
  /** Prometheus text exposition. */
  metrics(): Promise<{ contentType: string; body: string }>;
  /** True when the broker is bound and serving (not draining, not closed). */
  ready(): boolean;
  /** The status.json document. */
  status(): unknown;
}

/** `host:port` as in `metrics.listen`. Throws RangeError on anything else (the config schema checks this first). */
export function parseListenAddress(listen: string): { host: string; port: number } {
  const match = /^([^:]+):(\d{1,5})$/.exec(listen);
  const port = Number(match?.[2]);
  if (!match || port > 65535) throw new RangeError(`metrics.listen must be host:port, e.g. 127.0.0.1:9555, got ${JSON.stringify(listen)}`);
  return { host: match[1]!, port };
}

const COMMON_HEADERS = { "cache-control": "no-store", "x-content-type-options": "nosniff" } as const;

/** The listening HTTP server. */
export class ObservabilityServer {
  /** Base URL with the real port, e.g. `http://127.0.0.1:9555`. */
  readonly url: string;
  readonly #server: Server;
  #closing: Promise<void> | undefined;

  private constructor(server: Server, url: string) {
    this.#server = server;
    this.url = url;
  }

  /** Listen on `listen` (`host:port`; port 0 picks a free one). Rejects with MetricsListenError. */
  static async listen(listen: string, routes: ObservabilityRoutes, log: Logger): Promise<ObservabilityServer> {
    const { host, port } = parseListenAddress(listen);
    const server = createServer((req, res) => {
      handle(routes, req, res).catch((err: unknown) => {
        log.error({ err, path: req.url }, "metrics listener request failed");
        if (!res.headersSent) send(res, 500, "text/plain; charset=utf-8", "internal error\n");
        else res.destroy();
      });
    });
    await new Promise<void>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => reject(new MetricsListenError(listen, err.code ?? "UNKNOWN", { cause: err }));
      server.once("error", onError);
      server.listen({ host, port, exclusive: true }, () => {
        server.off("error", onError);
        resolve();
      });
    });
    server.on("error", (err) => log.error({ err }, "metrics listener error"));
    const address = server.address() as AddressInfo;
    const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
    return new ObservabilityServer(server, `http://${shownHost}:${address.port}`);
  }

  /** Stop listening and drop open connections (scrapers keep them alive). Idempotent. */
  close(): Promise<void> {
    this.#closing ??= new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
    return this.#closing;
  }
}

async function handle(routes: ObservabilityRoutes, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.setHeader("allow", "GET, HEAD");
    send(res, 405, "text/plain; charset=utf-8", "method not allowed\n");
    return;
  }
  const path = new URL(req.url ?? "/", "http://localhost").pathname;
  switch (path) {
    case "/metrics": {
      const { contentType, body } = await routes.metrics();
      send(res, 200, contentType, body);
      return;
    }
    case "/healthz":
      // Alive: the process answers. Whether it should get traffic is /readyz.
      send(res, 200, "text/plain; charset=utf-8", "ok\n");
      return;
    case "/readyz": {
      const ready = routes.ready();
      send(res, ready ? 200 : 503, "text/plain; charset=utf-8", ready ? "ready\n" : "not ready\n");
      return;
    }
    case "/status.json":
      send(res, 200, "application/json; charset=utf-8", JSON.stringify(routes.status()));
      return;
    case "/":
    case "/index.html":
      res.setHeader("content-security-policy", STATUS_PAGE_CSP);
      send(res, 200, "text/html; charset=utf-8", STATUS_PAGE_HTML);
      return;
    default:
      send(res, 404, "text/plain; charset=utf-8", "not found; try /metrics, /healthz, /readyz, /status.json or /\n");
  }
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { ...COMMON_HEADERS, "content-type": contentType, "content-length": Buffer.byteLength(body) });
  res.end(res.req.method === "HEAD" ? undefined : body);
}

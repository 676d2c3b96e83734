import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Headers of one connection, not of the request: a proxy never forwards them. */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade'];
const endToEnd = (headers: IncomingHttpHeaders) =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.includes(name)));

export interface Upstream {
  name: string;
  /** `http://127.0.0.1:<port>` */
  url: string;
}

/** What a client got back through the proxy. */
export interface ProxyReply {
  /** 0 when no response came at all. */
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** The connection ended before the response did (an instance died mid-stream). */
  cut: boolean;
}

export interface ProxyRequestOptions {
  /** A bearer token. */
  token?: string;
  /** A JSON body. */
  json?: unknown;
  origin?: string;
  /** Gives up (a `cut` reply) when nothing arrives for this long. */
  idleTimeoutMs?: number;
}

export interface RoundRobinProxy {
  url: string;
  /**
   * One request through the proxy from the client address `address` (any of 127.0.0.0/8, so per-address limits see
   * distinct clients), on its own connection. Never rejects: a failed or cut request is a reply with `cut`.
   */
  call(address: string, method: string, path: string, options?: ProxyRequestOptions): Promise<ProxyReply>;
  /** Adds an instance; it gets traffic once its `/readyz` answers 200. */
  add(upstream: Upstream): void;
  remove(name: string): void;
  /** The instances that answered `/readyz` with 200 at the last check. */
  ready(): string[];
  close(): Promise<void>;
}

/**
 * A small load balancer as operators put in front of several instances: round robin over the instances whose
 * `/readyz` answered 200 at the last check (every `checkEveryMs`), bodies piped both ways without buffering (event
 * streams arrive as they are written), `X-Forwarded-For` extended with the client's address, and the instance that
 * served a response named in `X-Upstream`. An instance that cannot be reached gets 502 in the error shape.
 */
export async function startRoundRobinProxy({ checkEveryMs = 200 } = {}): Promise<RoundRobinProxy> {
  const upstreams = new Map<string, { upstream: Upstream; ready: boolean }>();
  let turn = 0;

  const check = async () => {
    await Promise.all(
      [...upstreams.values()].map(async (entry) => {
        try {
          const res = await fetch(`${entry.upstream.url}/readyz`, { signal: AbortSignal.timeout(1000) });
          await res.body?.cancel();
          entry.ready = res.status === 200;
        } catch {
          entry.ready = false;
        }
      }),
    );
  };
  let checking = false;
  const timer = setInterval(() => {
    if (checking) return;
    checking = true;
    void check().finally(() => {
      checking = false;
    });
  }, checkEveryMs);

  const server = createServer((req, res) => {
    const ready = [...upstreams.values()].filter((entry) => entry.ready);
    const target = ready[turn++ % Math.max(1, ready.length)]?.upstream;
    const fail = (message: string) => {
      if (res.headersSent) return res.destroy();
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'bad_gateway', message } }));
    };
    if (!target) return fail('No instance is ready');
    const forwarded = [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ');
    const upstreamReq = request(
      `${target.url}${req.url}`,
      // One connection per request: simple, and an instance's death cuts only the requests it was serving.
      { method: req.method, headers: { ...endToEnd(req.headers), 'x-forwarded-for': forwarded }, agent: false },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, { ...endToEnd(upstreamRes.headers), 'x-upstream': target.name });
        res.flushHeaders();
        upstreamRes.pipe(res);
        // A stream cut by the instance (killed) is cut for the client too, never ended as if complete.
        upstreamRes.on('aborted', () => res.destroy());
        upstreamRes.on('error', () => res.destroy());
      },
    );
    upstreamReq.on('error', (error) => fail(`${target.name}: ${error.message}`));
    // The client went away: so does the request to the instance (an answer's stream is then stopped there).
    res.on('close', () => {
      if (!res.writableFinished) upstreamReq.destroy();
    });
    req.pipe(upstreamReq);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');

  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    call: (address, method, path, options = {}) => callThrough(url, address, method, path, options),
    add(upstream) {
      upstreams.set(upstream.name, { upstream, ready: false });
    },
    remove(name) {
      upstreams.delete(name);
    },
    ready: () => [...upstreams.values()].filter((entry) => entry.ready).map((entry) => entry.upstream.name),
    async close() {
      clearInterval(timer);
      server.closeAllConnections();
      await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
    },
  };
}

function callThrough(
  proxyUrl: string,
  address: string,
  method: string,
  path: string,
  options: ProxyRequestOptions,
): Promise<ProxyReply> {
  return new Promise((resolveReply) => {
    const body = options.json === undefined ? undefined : JSON.stringify(options.json);
    const req = request(`${proxyUrl}${path}`, {
      method,
      localAddress: address,
      agent: false,
      headers: {
        ...(options.origin ? { origin: options.origin } : {}),
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      },
    });
    let settled = false;
    const done = (reply: ProxyReply) => {
      if (!settled) resolveReply(reply);
      settled = true;
    };
    if (options.idleTimeoutMs) req.setTimeout(options.idleTimeoutMs, () => req.destroy());
    req.on('error', () => done({ status: 0, headers: {}, body: '', cut: true }));
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body: text, cut: !res.complete }));
      res.on('error', () => done({ status: res.statusCode ?? 0, headers: res.headers, body: text, cut: true }));
      res.on('close', () => done({ status: res.statusCode ?? 0, headers: res.headers, body: text, cut: !res.complete }));
    });
    req.end(body);
  });
}

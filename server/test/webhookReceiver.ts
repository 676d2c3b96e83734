import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedDelivery {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Verified as a receiver would: the signature with the secret it was given, and a timestamp within 5 minutes. */
  verified: boolean;
}

/** What the receiver answers to one request: a status, after a delay (longer than the sender's timeout: a timeout). */
export type Answer = { status: number; delayMs?: number; body?: string; headers?: Record<string, string> };

/** The receiver's check, written as the README tells receivers to (not with the server's own signing code). */
export function verifyDelivery(secret: string, headers: http.IncomingHttpHeaders, body: string, nowMs = Date.now()): boolean {
  const timestamp = String(headers['webhook-timestamp'] ?? '');
  const signature = String(headers['webhook-signature'] ?? '');
  if (!/^\d+$/.test(timestamp) || Math.abs(nowMs / 1000 - Number(timestamp)) > 300) return false;
  const expected = `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
  return signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
}

/**
 * A real webhook receiver on 127.0.0.1 (one path per endpoint): it records what arrives, verifies it with the path's
 * secret, and answers what `answerWith` says for each request (200 by default).
 */
export async function startWebhookReceiver() {
  const received: ReceivedDelivery[] = [];
  const secrets = new Map<string, string>();
  let answer: (request: { path: string; count: number }) => Answer = () => ({ status: 200 });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '/';
      received.push({ path, headers: req.headers, body, verified: verifyDelivery(secrets.get(path) ?? '', req.headers, body) });
      const reply = answer({ path, count: received.filter((r) => r.path === path).length });
      const timer = setTimeout(() => {
        if (res.destroyed) return;
        res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers });
        res.end(reply.body ?? `answer ${reply.status}`);
      }, reply.delayMs ?? 0);
      res.on('close', () => clearTimeout(timer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    received,
    /** Which secret the deliveries to `path` are verified with from now on. */
    trustSecret(path: string, value: string) {
      secrets.set(path, value);
    },
    answerWith(fn: typeof answer) {
      answer = fn;
    },
    /** The deliveries of one path (one endpoint each), as parsed events. */
    at(path: string) {
      return received.filter((r) => r.path === path);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;

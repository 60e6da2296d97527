import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  receivedAt: number;
}

/** What the receiver does with the next request: answer, hang, or drop the connection. */
export type Behaviour =
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string }
  | { kind: 'hang' }
  | { kind: 'reset' };

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Answers every request this way from now on (default: 204). */
  respondWith(status: number, headers?: Record<string, string>, body?: string): void;
  /** Queues behaviours for the next requests, in order, before falling back to respondWith's. */
  queue(...behaviours: Behaviour[]): void;
  /** Resolves with the next request (or one already received beyond `after`). */
  nextRequest(timeoutMs?: number): Promise<ReceivedWebhook>;
}

/** A real node:http webhook receiver on 127.0.0.1:0 that records raw bodies and headers. */
export async function startWebhookReceiver(t: TestContext): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const queued: Behaviour[] = [];
  let fallback: Behaviour = { kind: 'status', status: 204 };
  let waiters: Array<(r: ReceivedWebhook) => void> = [];
  let consumed = 0;
  const hanging = new Set<ServerResponse>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const record = { path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), receivedAt: Date.now() };
      received.push(record);
      const behaviour = queued.shift() ?? fallback;
      if (behaviour.kind === 'hang') hanging.add(res);
      else if (behaviour.kind === 'reset') req.socket.destroy();
      else {
        res.writeHead(behaviour.status, behaviour.headers ?? {});
        res.end(behaviour.body ?? '');
      }
      const pending = waiters;
      waiters = [];
      for (const w of pending) w(record);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    respondWith(status, headers, body) {
      fallback = { kind: 'status', status, ...(headers ? { headers } : {}), ...(body ? { body } : {}) };
    },
    queue(...behaviours) {
      queued.push(...behaviours);
    },
    nextRequest(timeoutMs = 5000) {
      if (received.length > consumed) return Promise.resolve(received[consumed++]!);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no webhook within ${timeoutMs} ms`)), timeoutMs);
        waiters.push(() => {
          clearTimeout(timer);
          resolve(received[consumed++]!);
        });
      });
    },
  };
}

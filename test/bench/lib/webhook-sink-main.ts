// Child-process entry of the loopback webhook receiver that Herald and the baseline both post to.
// It checks every Standard Webhooks signature (so both senders face the same receiver work),
// answers 200 with an empty body, and counts. GET /__stats reports, POST /__reset clears.
// The reliability tests (test/long/) also read who got what (GET /__received) and make chosen
// subscribers misbehave (POST /__plan); without a plan every hook answers 200 at once.
import { createHmac } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { webhookKey } from './seeded-subscriber.js';

export interface SinkStats {
  requests: number;
  badSignatures: number;
  duplicateIds: number;
  bodyBytes: number;
}

/** How the receiver answers one subscriber's hook: 200, 500, never, a TCP reset, or 200 after `slowDelayMs`. */
export type HookBehaviour = 'ok' | 'error' | 'hang' | 'reset' | 'slow';

export interface SinkPlan {
  /** Behaviour by subscriber number (the n of /hook/n); the unlisted answer 'ok'. */
  behaviours?: Record<string, HookBehaviour>;
  /** Delay before every 'ok' answer (default 0). */
  okDelayMs?: number;
  /** Delay before a 'slow' one's 200 (default 5000). */
  slowDelayMs?: number;
}

/** One hook request, recorded once its body has arrived (before it is answered): [n, webhook-id, epoch ms]. */
export type ReceivedHook = [n: number, webhookId: string, at: number];

let stats: SinkStats = { requests: 0, badSignatures: 0, duplicateIds: 0, bodyBytes: 0 };
let seen = new Set<string>();
let received: ReceivedHook[] = [];
let plan: SinkPlan = {};
const keys = new Map<string, Buffer>();

function signatureOk(path: string, headers: NodeJS.Dict<string | string[]>, body: string): boolean {
  const n = /^\/hook\/(\d+)$/.exec(path)?.[1];
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (n === undefined || typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') return false;
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  let key = keys.get(n);
  if (!key) keys.set(n, (key = webhookKey(Number(n))));
  const expected = `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
  return signatures.split(' ').includes(expected);
}

const answer = (res: ServerResponse, status: number, body: string) => {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
};

const server = createServer((req, res) => {
  if (req.url === '/__stats' || req.url === '/__reset') {
    const body = JSON.stringify(stats);
    if (req.url === '/__reset') {
      stats = { requests: 0, badSignatures: 0, duplicateIds: 0, bodyBytes: 0 };
      seen = new Set();
      received = [];
    }
    answer(res, 200, body);
    return;
  }
  if (req.url === '/__received') {
    answer(res, 200, JSON.stringify(received));
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    if (req.url === '/__plan') {
      plan = JSON.parse(body) as SinkPlan;
      answer(res, 200, '{}');
      return;
    }
    stats.requests += 1;
    stats.bodyBytes += Buffer.byteLength(body);
    if (!signatureOk(req.url ?? '', req.headers, body)) stats.badSignatures += 1;
    const id = String(req.headers['webhook-id']);
    if (seen.has(id)) stats.duplicateIds += 1;
    seen.add(id);
    const n = /^\/hook\/(\d+)$/.exec(req.url ?? '')?.[1];
    if (n !== undefined) received.push([Number(n), id, Date.now()]);
    const ok = () => {
      res.writeHead(200, { 'content-length': '0' });
      res.end();
    };
    const behaviour = (n !== undefined && plan.behaviours?.[n]) || 'ok';
    if (behaviour === 'error') answer(res, 500, '{"error":"the receiver is failing on purpose"}');
    else if (behaviour === 'reset') req.socket.resetAndDestroy();
    else if (behaviour === 'slow') setTimeout(ok, plan.slowDelayMs ?? 5000);
    else if (behaviour === 'ok' && plan.okDelayMs) setTimeout(ok, plan.okDelayMs);
    else if (behaviour === 'ok') ok();
    // 'hang': never answered; the sender's timeout closes the socket.
  });
});
// Longer than any pause between rounds, so senders' keep-alive sockets stay usable.
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`webhook sink listening at http://127.0.0.1:${port}\n`);
});
process.on('SIGTERM', () => process.exit(0));

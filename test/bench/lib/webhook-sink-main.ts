// Child-process entry of the loopback webhook receiver that Herald and the baseline both post to.
// It checks every Standard Webhooks signature (so both senders face the same receiver work),
// answers 200 with an empty body, and counts. GET /__stats reports, POST /__reset clears.
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { webhookKey } from './webhook-keys.js';

export interface SinkStats {
  requests: number;
  badSignatures: number;
  duplicateIds: number;
  bodyBytes: number;
}

let stats: SinkStats = { requests: 0, badSignatures: 0, duplicateIds: 0, bodyBytes: 0 };
let seen = new Set<string>();
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

const server = createServer((req, res) => {
  if (req.url === '/__stats' || req.url === '/__reset') {
    const body = JSON.stringify(stats);
    if (req.url === '/__reset') {
      stats = { requests: 0, badSignatures: 0, duplicateIds: 0, bodyBytes: 0 };
      seen = new Set();
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    stats.requests += 1;
    stats.bodyBytes += Buffer.byteLength(body);
    if (!signatureOk(req.url ?? '', req.headers, body)) stats.badSignatures += 1;
    const id = String(req.headers['webhook-id']);
    if (seen.has(id)) stats.duplicateIds += 1;
    seen.add(id);
    res.writeHead(200, { 'content-length': '0' });
    res.end();
  });
});
// Longer than any pause between rounds, so senders' keep-alive sockets stay usable.
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`webhook sink listening at http://127.0.0.1:${port}\n`);
});
process.on('SIGTERM', () => process.exit(0));

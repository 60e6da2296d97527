// Child-process entry of the raw baseline: the fastest plain node:http can answer with
// fixed bytes, the ceiling Herald's read path is compared with. Reads its responses
// ({path: {headers, body: base64}}) as JSON from stdin.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RecordedResponse } from './raw-server.js';

let input = '';
for await (const chunk of process.stdin) input += chunk;
const recorded = JSON.parse(input) as Record<string, RecordedResponse>;
const responses = new Map(Object.entries(recorded).map(([path, r]) => [path, { headers: r.headers, body: Buffer.from(r.body, 'base64') }]));

const server = createServer((req, res) => {
  const found = responses.get(req.url ?? '');
  if (!found) {
    res.writeHead(404);
    res.end();
    return;
  }
  res.writeHead(200, found.headers);
  res.end(found.body);
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`raw server listening at http://127.0.0.1:${port}\n`);
});
process.on('SIGTERM', () => process.exit(0));

// Child-process entry of the local SMTP server Herald and the baseline both send to. It reads
// every message to the end without parsing it, counts, and reports on a small HTTP control port
// (GET /stats, POST /reset) because SMTP itself has no way to ask.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface SmtpStats {
  messages: number;
  bytes: number;
}

let stats: SmtpStats = { messages: 0, bytes: 0 };

const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onData(stream, _session, callback) {
    let bytes = 0;
    stream.on('data', (chunk: Buffer) => (bytes += chunk.length));
    stream.on('end', () => {
      stats.messages += 1;
      stats.bytes += bytes;
      callback();
    });
  },
});

const control = createServer((req, res) => {
  const body = JSON.stringify(stats);
  if (req.url === '/reset') stats = { messages: 0, bytes: 0 };
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});

smtp.listen(0, '127.0.0.1', () => {
  const { port } = (smtp as unknown as { server: { address(): AddressInfo } }).server.address();
  control.listen(0, '127.0.0.1', () => {
    const controlPort = (control.address() as AddressInfo).port;
    process.stdout.write(`smtp sink listening on port ${port}, control at http://127.0.0.1:${controlPort}\n`);
  });
});
process.on('SIGTERM', () => process.exit(0));

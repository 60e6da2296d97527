// Child-process entry of the local SMTP server Herald and the baseline both send to. It reads
// every message to the end without parsing it, counts, and reports on a small HTTP control port
// (GET /stats, POST /reset) because SMTP itself has no way to ask. With SMTP_SINK_RECORD=1 it also
// keeps each message's recipients and Message-ID (GET /received), for tests that check who got what.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface SmtpStats {
  messages: number;
  bytes: number;
}

/** One accepted message: [envelope recipients, Message-ID header (with its <>), epoch ms]. */
export type ReceivedMail = [to: string[], messageId: string, at: number];

let stats: SmtpStats = { messages: 0, bytes: 0 };
let received: ReceivedMail[] = [];
const record = process.env['SMTP_SINK_RECORD'] === '1';
// The headers come first; the Message-ID is looked for in this much of the message.
const headerBytes = 16 * 1024;

const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onData(stream, session, callback) {
    let bytes = 0;
    let head = '';
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (record && head.length < headerBytes) head += chunk.toString('latin1');
    });
    stream.on('end', () => {
      stats.messages += 1;
      stats.bytes += bytes;
      if (record) {
        const messageId = /^Message-ID:\s*(\S+)/im.exec(head)?.[1] ?? '';
        received.push([session.envelope.rcptTo.map((r) => r.address), messageId, Date.now()]);
      }
      callback();
    });
  },
});

// A sender that dies mid-session (the crash tests SIGKILL Herald) resets its sockets; smtp-server
// reports that as an 'error' event, which would end this process if nothing listened.
smtp.on('error', () => {});

const control = createServer((req, res) => {
  const body = JSON.stringify(req.url === '/received' ? received : stats);
  if (req.url === '/reset') {
    stats = { messages: 0, bytes: 0 };
    received = [];
  }
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

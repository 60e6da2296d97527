import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  parsed: ParsedMail;
  raw: string;
  to: string[];
}

export interface SmtpSink {
  url: string;
  port: number;
  inbox: ReceivedMail[];
  /** Rejects the next RCPT TO commands with this SMTP code (e.g. 451 temporary, 550 permanent). */
  rejectNext(code: number, count?: number): void;
  /** Resolves once `count` messages have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
}

/** A real smtp-server on 127.0.0.1:0 that keeps every message raw and parsed. */
export async function startSmtpServer(t: TestContext): Promise<SmtpSink> {
  const inbox: ReceivedMail[] = [];
  const rejections: number[] = [];
  let waiters: Array<() => void> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    // After-hooks run in registration order, so the sink may close before the app's pooled client does.
    closeTimeout: 100,
    onRcptTo(address, _session, callback) {
      const code = rejections.shift();
      if (code === undefined) return callback();
      const error = Object.assign(new Error(`rejected ${address.address} for the test`), { responseCode: code });
      return callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then(
          (parsed) => {
            inbox.push({ parsed, raw: raw.toString('utf8'), to: session.envelope.rcptTo.map((r) => r.address) });
            const pending = waiters;
            waiters = [];
            for (const w of pending) w();
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = (server as unknown as { server: { address(): AddressInfo } }).server.address();
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    inbox,
    rejectNext(code, count = 1) {
      for (let i = 0; i < count; i += 1) rejections.push(code);
    },
    waitFor(count, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${inbox.length} of ${count} messages within ${timeoutMs} ms`)), timeoutMs);
        const check = () => {
          if (inbox.length >= count) {
            clearTimeout(timer);
            resolve(inbox);
          } else waiters.push(check);
        };
        check();
      });
    },
  };
}

import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { startApp, type TestApp } from '../helpers/app.js';
import { manualClock } from '../helpers/clock.js';
import { startSmtpServer, type ReceivedMail, type SmtpSink } from '../helpers/smtp-server.js';

export interface SubscriptionWorld {
  app: TestApp;
  smtp: SmtpSink;
  /** Delivers what is queued and waits for the inbox to hold `count` messages. */
  deliver(count: number): Promise<ReceivedMail[]>;
}

export async function startWorld(t: TestContext, env: Record<string, string> = {}): Promise<SubscriptionWorld> {
  const smtp = await startSmtpServer(t);
  const app = await startApp(t, { clock: manualClock(new Date()), env: { SMTP_URL: smtp.url, SMTP_RATE_LIMIT: '0', WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32', ...env } });
  return {
    app,
    smtp,
    async deliver(count) {
      await app.herald.worker.runOnce();
      return smtp.waitFor(count);
    },
  };
}

/** The first link in a mail's text part that matches `pattern`, as a path on the app. */
export function linkIn(mail: ReceivedMail, pattern: RegExp): string {
  const text = mail.parsed.text ?? '';
  const url = text.match(new RegExp(`http://status\\.test${pattern.source}`))?.[0];
  assert.ok(url, `no link matching ${pattern} in:\n${text}`);
  return url.replace('http://status.test', '');
}

/** Posts a form like a browser without JavaScript. */
export function postForm(app: TestApp, path: string, fields: Record<string, string | string[]>) {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) for (const v of [value].flat()) body.append(key, v);
  return app.fetch(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
}

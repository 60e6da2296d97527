import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import pRetry, { AbortError } from 'p-retry';
import type { Logger } from '../logger.js';
import type { DeliveryResult } from './result.js';

export interface EmailMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Stable across retries, so a duplicate is recognisable as one. */
  messageId: string;
  /** RFC 2369/8058 unsubscribe targets, when the mail has them. */
  unsubscribe?: { url: string; mailto?: string | undefined };
  headers?: Record<string, string>;
}

export interface MailerOptions {
  smtpUrl: string | undefined;
  maxConnections: number;
  /** Messages per second across the pool; 0 turns the limit off. */
  rateLimit: number;
  /** Where mail goes as .eml files when there is no SMTP server. */
  folder: string;
  logger: Logger;
}

export interface Mailer {
  send(message: EmailMessage): Promise<DeliveryResult>;
  close(): void;
}

type SmtpError = Error & { responseCode?: number; permanent?: boolean; code?: string };

function toNodemailer(message: EmailMessage) {
  return {
    from: message.from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    html: message.html,
    messageId: message.messageId,
    headers: {
      ...message.headers,
      ...(message.unsubscribe ? { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : {}),
    },
    // A nested array keeps both targets on one List-Unsubscribe line.
    ...(message.unsubscribe
      ? { list: { unsubscribe: [[message.unsubscribe.url, ...(message.unsubscribe.mailto ? [message.unsubscribe.mailto] : [])]] } }
      : {}),
  };
}

/** Mail through one pooled, rate-limited SMTP transport, or into .eml files when SMTP_URL is unset. */
export function createMailer(options: MailerOptions): Mailer {
  if (!options.smtpUrl) {
    mkdirSync(options.folder, { recursive: true });
    options.logger.warn(`SMTP_URL is not set: notification mail is written as .eml files to ${options.folder}`);
    const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
    return {
      async send(message) {
        const started = Date.now();
        const info = (await transport.sendMail(toNodemailer(message))) as { message: Buffer };
        const name = `${new Date(started).toISOString().replace(/[:.]/g, '-')}-${message.messageId.replace(/[^\w.-]/g, '_')}.eml`;
        writeFileSync(join(options.folder, name), info.message);
        return { ok: true, durationMs: Date.now() - started };
      },
      close: () => transport.close(),
    };
  }

  const transport: Transporter = nodemailer.createTransport({
    url: options.smtpUrl,
    pool: true,
    maxConnections: options.maxConnections,
    ...(options.rateLimit > 0 ? { rateLimit: options.rateLimit, rateDelta: 1000 } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    async send(message) {
      const started = Date.now();
      try {
        // One quick retry for a dropped connection; any SMTP reply goes to the durable schedule.
        await pRetry(
          async () => {
            try {
              await transport.sendMail(toNodemailer(message));
            } catch (error) {
              if ((error as SmtpError).responseCode !== undefined) throw new AbortError(error as Error);
              throw error;
            }
          },
          { retries: 1, minTimeout: 100 },
        );
        return { ok: true, durationMs: Date.now() - started };
      } catch (caught) {
        const error = caught as SmtpError;
        const code = error.responseCode;
        // SMTP: 4xx is temporary, 5xx permanent.
        const permanent = error.permanent ?? (code !== undefined && code >= 500);
        return {
          ok: false,
          retryable: !permanent,
          durationMs: Date.now() - started,
          ...(code === undefined ? {} : { statusCode: code }),
          error: `${code === undefined ? (error.code ?? 'error') : `SMTP ${code}`}: ${error.message}`,
        };
      }
    },
    close: () => transport.close(),
  };
}

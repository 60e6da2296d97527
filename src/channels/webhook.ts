import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import pRetry, { AbortError } from 'p-retry';
import type { AddressPolicy } from '../net/address-policy.js';
import { literalAddress } from '../net/check-endpoint.js';
import type { DeliveryResult } from './result.js';

export interface WebhookRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
}

export interface WebhookChannelOptions {
  timeoutMs: number;
  policy: AddressPolicy;
  userAgent: string;
  /** How much of a response body is kept for the attempt log. */
  excerptBytes?: number;
  /** Sockets per origin; match the deliveries allowed in flight. */
  maxSockets?: number;
  /** Test seam for DNS; production uses the system resolver. */
  lookup?: typeof dnsLookup;
}

// Endpoints repeat on every delivery to the same subscriber: parse each once (bounded).
const urls = new Map<string, URL>();
function parsedUrl(text: string): URL {
  let url = urls.get(text);
  if (!url) {
    url = new URL(text);
    if (urls.size >= 10_000) urls.delete(urls.keys().next().value!);
    urls.set(text, url);
  }
  return url;
}

export type SendWebhook = (request: WebhookRequest, signal?: AbortSignal) => Promise<DeliveryResult>;

class RefusedAddress extends Error {}

/**
 * Checks every address a hostname resolves to at connect time, so a name that resolved to a public
 * address at subscribe time cannot be rebound to a private one (DNS rebinding).
 */
function guardedLookup(policy: AddressPolicy, lookup: typeof dnsLookup): LookupFunction {
  return ((hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    lookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error);
      for (const { address } of addresses) {
        const refusal = policy.refusal(address);
        if (refusal) return callback(new RefusedAddress(`${hostname} resolves to ${refusal}`));
      }
      if (options.all) return callback(null, addresses);
      return callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  }) as LookupFunction;
}

const retryAfterMs = (header: string | undefined, now: number): number | undefined => {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
};

/**
 * POSTs signed webhooks over node:http(s) with keep-alive, a hard timeout, no redirects and
 * the address policy applied to every connection. Only a 2xx counts.
 */
export function createWebhookChannel(options: WebhookChannelOptions): { send: SendWebhook; close(): void } {
  const lookup = guardedLookup(options.policy, options.lookup ?? dnsLookup);
  // As many sockets per origin as deliveries may be in flight: a request queued inside the agent
  // would spend its timeout waiting for a socket and fail without reaching the receiver.
  const maxSockets = options.maxSockets ?? 256;
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets, lookup } as http.AgentOptions),
    'https:': new https.Agent({ keepAlive: true, maxSockets, lookup } as https.AgentOptions),
  };
  const excerptBytes = options.excerptBytes ?? 2048;

  function attempt(request: WebhookRequest, url: URL, signal: AbortSignal): Promise<{ status: number; retryAfter?: string; excerpt: string }> {
    return new Promise((resolve, reject) => {
      const transport = url.protocol === 'https:' ? https : http;
      const req = transport.request(url, {
        method: 'POST',
        agent: agents[url.protocol as 'http:' | 'https:'],
        headers: { ...request.headers, 'content-length': Buffer.byteLength(request.body) },
        signal,
        lookup,
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        res.on('data', (chunk: Buffer) => {
          if (kept < excerptBytes) {
            chunks.push(chunk);
            kept += chunk.length;
          }
          // A receiver streaming a huge body is not read to the end: the status is all that counts.
          if (kept >= excerptBytes) res.destroy();
        });
        const done = () =>
          resolve({
            status: res.statusCode ?? 0,
            ...(res.headers['retry-after'] ? { retryAfter: String(res.headers['retry-after']) } : {}),
            excerpt: Buffer.concat(chunks).subarray(0, excerptBytes).toString('utf8'),
          });
        res.on('end', done);
        res.on('close', done);
        res.on('error', done);
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        // Only a refused connection is resent at once: nothing reached the receiver. After a reset the
        // request may have been read, so the durable schedule retries it, as a logged attempt.
        reject(error.code === 'ECONNREFUSED' && !(error instanceof RefusedAddress) ? error : new AbortError(error));
      });
      req.end(request.body);
    });
  }

  async function send(request: WebhookRequest, shutdown?: AbortSignal): Promise<DeliveryResult> {
    const started = Date.now();
    const url = parsedUrl(request.url);
    const literal = literalAddress(url.hostname);
    // Node skips `lookup` for IP literals, so they are checked here.
    const refusal = literal ? options.policy.refusal(literal) : undefined;
    if (refusal) return { ok: false, retryable: false, durationMs: 0, error: `refused: ${refusal}` };
    // One controller per request, released when it ends: AbortSignal.any would keep a listener per
    // request on the long-lived shutdown signal (a leak on Node 20).
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, options.timeoutMs);
    const onShutdown = () => controller.abort();
    shutdown?.addEventListener('abort', onShutdown, { once: true });
    const signal = controller.signal;
    try {
      // The first try goes straight out; only a refused connection brings in p-retry's quick retries.
      const res = await attempt(request, url, signal).catch((error: unknown) => {
        // As p-retry would: an AbortError stops at once and surfaces the error it wraps.
        if (error instanceof AbortError) throw error.originalError;
        return pRetry(() => attempt(request, url, signal), { retries: 2, minTimeout: 50, maxTimeout: 250, signal });
      });
      const durationMs = Date.now() - started;
      if (res.status >= 200 && res.status < 300) return { ok: true, durationMs, statusCode: res.status, responseExcerpt: res.excerpt };
      const retryAfter = retryAfterMs(res.retryAfter, Date.now());
      const redirect = res.status >= 300 && res.status < 400 ? ' (redirects are not followed; update the endpoint URL)' : '';
      return {
        ok: false,
        retryable: res.status !== 410,
        gone: res.status === 410,
        durationMs,
        statusCode: res.status,
        ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }),
        error: `HTTP ${res.status}${redirect}`,
        responseExcerpt: res.excerpt,
      };
    } catch (caught) {
      const error = caught as NodeJS.ErrnoException;
      const durationMs = Date.now() - started;
      if (timedOut) return { ok: false, retryable: true, durationMs, error: `no 2xx answer within ${options.timeoutMs} ms` };
      if (shutdown?.aborted) return { ok: false, retryable: true, durationMs, error: 'aborted: Herald is shutting down' };
      if (error instanceof RefusedAddress) return { ok: false, retryable: false, durationMs, error: `refused: ${error.message}` };
      return { ok: false, retryable: true, durationMs, error: `${error.code ?? 'error'}: ${error.message}` };
    } finally {
      clearTimeout(timer);
      shutdown?.removeEventListener('abort', onShutdown);
    }
  }

  return {
    send,
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}

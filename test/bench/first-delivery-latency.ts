import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startHerald } from './lib/herald.js';
import { percentile, round1, sleep } from './lib/measure.js';
import type { Benchmark, Outcome } from './lib/types.js';

const incidents = 200;
// Unmeasured first incidents: the first requests through each code path pay for JIT and lazy loading.
const warmup = 10;
const maxP99Ms = 50;
// Gap after each webhook so Herald has recorded the attempt and the worker is idle again at the next POST.
const idleGapMs = 20;
// A webhook later than this counts as this late (the 1 s poll would have found it by then anyway),
// and the loop stops after loopBudgetMs, so the benchmark stays bounded however slow Herald is.
const missAfterMs = 2_000;
const loopBudgetMs = 60_000;

/**
 * The receiver lives in this process, so its arrival times and the client's response times come
 * from one clock (performance.now()). It answers 200 at once and notes when each incident's webhook came.
 */
async function startReceiver() {
  const arrivals = new Map<string, number>();
  const waiters = new Map<string, (at: number) => void>();
  const server = createServer((req, res) => {
    const at = performance.now();
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      res.writeHead(200, { 'content-length': '0' });
      res.end();
      const id = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { incident?: { id?: string } }).incident?.id;
      if (!id || arrivals.has(id)) return;
      arrivals.set(id, at);
      waiters.get(id)?.(at);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    /** When the incident's webhook arrived, or undefined if it had not within `timeoutMs`. */
    arrival(incidentId: string, timeoutMs: number): Promise<number | undefined> {
      const known = arrivals.get(incidentId);
      if (known !== undefined) return Promise.resolve(known);
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(undefined), timeoutMs);
        waiters.set(incidentId, (at) => {
          clearTimeout(timer);
          resolve(at);
        });
      });
    },
    close() {
      server.closeAllConnections();
      server.close();
    },
  };
}

export const benchmark: Benchmark = {
  name: 'first-delivery-latency',
  description: `${incidents} incidents one after another, one webhook subscriber: POST response → webhook received, idle worker (1 s poll)`,
  budgetMs: 90_000,
  async run({ log }): Promise<Outcome[]> {
    const receiver = await startReceiver();
    try {
      // OUTBOX_POLL stays at its default of 1 s: only the wake-up after the commit makes this fast.
      const herald = await startHerald({ WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32' });
      await herald.api('POST', '/subscribers', { subscriber: { email: 'ops@example.com', endpoint: receiver.url } });
      log(`herald up at ${herald.baseUrl}; ${warmup} warm-up then ${incidents} measured incidents`);

      const latencies: number[] = [];
      const posts: number[] = [];
      let misses = 0;
      const deadline = performance.now() + loopBudgetMs;
      for (let i = 0; i < warmup + incidents && performance.now() < deadline; i += 1) {
        const sent = performance.now();
        const res = await fetch(`${herald.baseUrl}/api/v1/pages/${herald.pageId}/incidents`, {
          method: 'POST',
          headers: { authorization: `OAuth ${herald.apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ incident: { name: `Latency probe ${i}`, body: 'Checking how soon subscribers hear about a new incident.' } }),
        });
        // fetch resolves when the response's head arrives: that is "the response arriving".
        const responded = performance.now();
        const text = await res.text();
        if (res.status !== 201) throw new Error(`POST /incidents answered ${res.status}: ${text}`);
        const arrived = await receiver.arrival((JSON.parse(text) as { id: string }).id, missAfterMs);
        if (i >= warmup) {
          if (arrived === undefined) misses += 1;
          latencies.push((arrived ?? responded + missAfterMs) - responded);
          posts.push(responded - sent);
        }
        await sleep(idleGapMs);
      }

      const p50 = percentile(latencies, 50);
      const p99 = round1(percentile(latencies, 99));
      const early = latencies.slice(0, 50);
      const late = latencies.slice(-50);
      const ms = (n: number) => `${n.toFixed(2)} ms`;
      return [
        {
          name: 'post-to-webhook',
          subject: { label: 'herald', rate: p50, unit: 'ms p50', p99Ms: p99, roundRates: [p50], roundP99s: [p99] },
          target: { maxP99Ms },
          notes: [
            `POST response → webhook at the receiver over ${latencies.length} incidents: p50 ${ms(p50)}, p90 ${ms(percentile(latencies, 90))}, ` +
              `p99 ${ms(percentile(latencies, 99))}, max ${ms(Math.max(...latencies))}, min ${ms(Math.min(...latencies))} (below 0 would mean the webhook beat the response)`,
            `first 50 p50 ${ms(percentile(early, 50))} vs last 50 p50 ${ms(percentile(late, 50))} (incidents stay open, so the public page Herald rebuilds after each grows)`,
            ...(misses > 0 ? [`${misses} webhooks had not arrived ${missAfterMs} ms after the response; counted as ${missAfterMs} ms`] : []),
            ...(latencies.length < incidents ? [`stopped after ${latencies.length} of ${incidents} incidents: the loop's ${loopBudgetMs / 1000} s were up`] : []),
            `POST /incidents itself: p50 ${ms(percentile(posts, 50))}, p99 ${ms(percentile(posts, 99))}; timed with performance.now(), not autocannon`,
          ],
        },
      ];
    } finally {
      receiver.close();
    }
  },
};

// Long test: 60 s of mixed traffic against `herald serve` in its own process.
//   reads:  three autocannon instances, 10 connections each, on /api/v2/summary.json,
//           /api/v2/status.json and / (the HTML page), for the whole 60 s;
//   writes: one manage-API write per second (create an incident, then identified, monitoring,
//           resolved, then the next incident), each fanning out to 1,000 active webhook
//           subscribers on a loopback sink process that answers 200.
// Herald's RSS is sampled every second. Asserted: no non-2xx and no errors on reads or writes,
// read p99 within `readP99BoundMs`, write max below busy_timeout, no SQLITE_BUSY in Herald's
// output, RSS flat over the second half, and every delivery the writes queued ends `delivered`.
//
// Why the read bound is not the benchmark's 5 ms: that target is measured with autocannon -c 50
// on one path of an otherwise idle Herald. Here Herald's single event loop also runs the express
// write path, a snapshot rebuild after each write (page state, 90-day history, HTML render,
// hashes) and the outbox worker (up to 32 deliveries in flight, each with synchronous SQLite
// claims and result writes and an HMAC), while the load generator, the webhook sink and other
// sessions share the same 2 cores. Every read that arrives during a rebuild or a burst of worker
// callbacks waits for it, and the load generator measures on a starved event loop too. 50 ms is
// an order of magnitude above the idle target yet still catches a read path that does database
// work per request or blocks behind a long transaction (those show up at hundreds of ms).
// Measured on a shared 2-core machine (load average 2.4 before, 4.4 after): p99 12 ms on each path.
import assert from 'node:assert/strict';
import { loadavg } from 'node:os';
import { after, before, describe, test } from 'node:test';
import autocannon, { type Instance, type Result } from 'autocannon';
import Database from 'better-sqlite3';
import { startHerald, type HeraldProcess } from '../bench/lib/herald.js';
import { memoryOf, percentile, pollUntil, sleep, wallMs } from '../bench/lib/measure.js';
import { seedSubscribers } from '../bench/lib/outbox-db.js';
import { stopAll } from '../bench/lib/processes.js';
import { hookPath } from '../bench/lib/seeded-subscriber.js';
import { seedRealisticPage } from '../bench/lib/seed.js';
import { startWebhookSink, type SinkStats, type WebhookSink } from '../bench/lib/webhook-sink.js';

const subscriberCount = 1_000;
const loadSeconds = 60;
const warmupSeconds = 2;
const readPaths = ['/api/v2/summary.json', '/api/v2/status.json', '/'] as const;
const connectionsPerPath = 10;
const writeEveryMs = 1_000;
/** Herald's busy_timeout (src/db/client.ts): a write waiting on the lock longer fails with SQLITE_BUSY. */
const busyTimeoutMs = 5_000;
/** Read p99 under the mixed load, per path; see the header for why not 5 ms. */
const readP99BoundMs = 50;
const maxRssGrowth = 0.1;
/** After the load, the backlog must be delivered within this long (Herald alone drains ~1,000+/s). */
const drainBoundMs = 45_000;
const writeTimeoutMs = 15_000;

interface WriteSample {
  kind: string;
  at: number;
  ms: number;
  status: number;
  error?: string;
}

interface RssSample {
  atMs: number;
  rssMb: number;
  delivered: number;
}

interface Figures {
  loadavgBefore: number[];
  loadMs: number;
  reads: Map<string, Result>;
  writes: WriteSample[];
  incidentIds: string[];
  rss: RssSample[];
  peakRssMb: number;
  sinkAfterLoad: SinkStats;
  sinkAtEnd: SinkStats;
  deliveries: { events: number; states: Record<string, number>; total: number };
  drainMs: number;
  drained: boolean;
  lastDeliveredAt: number | undefined;
  firstWriteAt: number;
  loadEndAt: number;
  busyLines: string[];
  errorLines: string[];
}

const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : String(n));
const instances = new Set<Instance>();

describe('load: 60 s of mixed reads and fanning-out writes', { timeout: 160_000 }, () => {
  let herald: HeraldProcess | undefined;
  let sink: WebhookSink | undefined;
  let db: Database.Database | undefined;
  let figures: Figures | undefined;

  before(
    async () => {
      const loadavgBefore = loadavg();
      sink = await startWebhookSink();
      herald = await startHerald({ WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32' });
      const h = herald;
      const s = sink;
      const pid = h.child.process.pid!;

      // Every stderr line, not only the last 64 KB the helper keeps.
      const busyLines: string[] = [];
      const errorLines: string[] = [];
      let partial = '';
      h.child.process.stderr!.on('data', (chunk: Buffer) => {
        const lines = (partial + chunk.toString()).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) {
          if (/SQLITE_BUSY|database is locked/i.test(line)) busyLines.push(line);
          if (/^\S+ error /.test(line)) errorLines.push(line);
        }
      });

      await seedRealisticPage(h);
      seedSubscribers(h.databaseFile, h.pageId, subscriberCount, (n) => `${s.baseUrl}${hookPath(n)}`);
      db = new Database(h.databaseFile, { readonly: true, fileMustExist: true });
      const delivered = db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM deliveries WHERE state = 'delivered'`);

      // Unmeasured, so the first measured second is not JIT warm-up.
      await Promise.all(readPaths.map((path) => run(`${h.baseUrl}${path}`, warmupSeconds)));

      const rss: RssSample[] = [];
      const loadStart = wallMs();
      const sample = () => rss.push({ atMs: wallMs() - loadStart, rssMb: memoryOf(pid).rssMb, delivered: delivered.get()!.n });
      sample();
      const sampler = setInterval(sample, 1_000);

      const readRuns = readPaths.map(async (path) => [path, await run(`${h.baseUrl}${path}`, loadSeconds)] as const);
      const writer = writeLoop(h, loadStart, loadStart + loadSeconds * 1_000);
      const reads = new Map(await Promise.all(readRuns));
      const loadEndAt = wallMs();
      clearInterval(sampler);
      sample();
      const { writes, incidentIds } = await writer;
      const sinkAfterLoad = await s.stats();

      // The backlog: every delivery the writes queued must end `delivered`.
      const idsJson = JSON.stringify(incidentIds);
      const countEvents = db.prepare<[string], { n: number }>(
        `SELECT count(*) AS n FROM events WHERE notify = 1 AND incident_id IN (SELECT value FROM json_each(?))`,
      );
      const byState = db.prepare<[string], { state: string; n: number }>(`
        SELECT d.state, count(*) AS n FROM deliveries d JOIN events e ON e.id = d.event_id
        WHERE e.incident_id IN (SELECT value FROM json_each(?)) GROUP BY d.state`);
      const lastDelivered = db.prepare<[string], { at: number | null }>(`
        SELECT max(d.delivered_at) AS at FROM deliveries d JOIN events e ON e.id = d.event_id
        WHERE e.incident_id IN (SELECT value FROM json_each(?))`);
      const snapshot = () => {
        const states = Object.fromEntries(byState.all(idsJson).map((r) => [r.state, r.n]));
        const total = Object.values(states).reduce((a, b) => a + b, 0);
        return { events: countEvents.get(idsJson)!.n, states, total };
      };
      const drainStart = wallMs();
      const drained = await pollUntil(
        () => {
          const now = snapshot();
          return now.total === now.events * subscriberCount && (now.states['delivered'] ?? 0) === now.total;
        },
        500,
        drainBoundMs,
      );
      const drainMs = wallMs() - drainStart;
      figures = {
        loadavgBefore,
        loadMs: loadEndAt - loadStart,
        reads,
        writes,
        incidentIds,
        rss,
        peakRssMb: memoryOf(pid).peakMb,
        sinkAfterLoad,
        sinkAtEnd: await s.stats(),
        deliveries: snapshot(),
        drainMs,
        drained,
        lastDeliveredAt: lastDelivered.get(idsJson)?.at ?? undefined,
        firstWriteAt: writes[0]?.at ?? loadStart,
        loadEndAt,
        busyLines,
        errorLines,
      };
    },
    { timeout: 140_000 },
  );

  after(async () => {
    for (const instance of instances) instance.stop();
    db?.close();
    // Stops Herald and the sink (SIGTERM, then SIGKILL); Herald's temp folder goes with it.
    await stopAll();
  });

  test('figures', (t) => {
    const f = figures!;
    const loadS = f.loadMs / 1000;
    const totalReads = [...f.reads.values()].reduce((n, r) => n + r.requests.total, 0);
    t.diagnostic(`load average before: ${f.loadavgBefore.map((n) => n.toFixed(2)).join(' ')} (2 cores)`);
    t.diagnostic(`reads: ${Math.round(totalReads / loadS)} req/s over ${fmt(loadS)} s (${totalReads} requests, -c ${connectionsPerPath} per path)`);
    for (const [path, r] of f.reads) {
      t.diagnostic(
        `read ${path}: ${Math.round(r.requests.total / loadS)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, max ${r.latency.max} ms; ` +
          `2xx ${r['2xx']}, non-2xx ${r.non2xx}, errors ${r.errors}, timeouts ${r.timeouts}`,
      );
    }
    const ms = f.writes.map((w) => w.ms);
    const failed = f.writes.filter((w) => w.status < 200 || w.status >= 300);
    t.diagnostic(
      `writes: ${f.writes.length} (${failed.length} failed), p50 ${fmt(percentile(ms, 50))} ms, p99 ${fmt(percentile(ms, 99))} ms, max ${fmt(Math.max(...ms))} ms`,
    );
    for (const w of failed.slice(0, 5)) t.diagnostic(`failed write ${w.kind} at ${fmt(w.at - f.firstWriteAt, 0)} ms: ${w.status} ${w.error ?? ''}`);
    const deliveredDuringLoad = f.rss.at(-1)!.delivered - f.rss[0]!.delivered;
    t.diagnostic(
      `deliveries: ${f.deliveries.events} events × ${subscriberCount} = ${f.deliveries.total} rows ${JSON.stringify(f.deliveries.states)}; ` +
        `${Math.round(deliveredDuringLoad / loadS)}/s delivered during the load (${deliveredDuringLoad}), ` +
        `backlog at load end ${f.deliveries.total - deliveredDuringLoad}`,
    );
    if (f.lastDeliveredAt !== undefined) {
      const afterLoad = (f.lastDeliveredAt - f.loadEndAt) / 1000;
      const when = afterLoad <= 0 ? `${fmt(-afterLoad)} s before the load ended` : `${fmt(afterLoad)} s after the load ended`;
      const overall = f.deliveries.total / ((f.lastDeliveredAt - f.firstWriteAt) / 1000);
      t.diagnostic(
        `drain: last delivery ${when} (${f.drained ? 'complete' : `NOT complete after ${fmt(f.drainMs / 1000)} s`}); ` +
          `${Math.round(overall)} deliveries/s from first write to last delivery`,
      );
    }
    t.diagnostic(
      `sink: ${f.sinkAtEnd.requests} requests, ${f.sinkAtEnd.badSignatures} bad signatures, ${f.sinkAtEnd.duplicateIds} duplicate ids ` +
        `(${f.sinkAfterLoad.requests} by the end of the load)`,
    );
    const m = rssFigures(f.rss);
    t.diagnostic(
      `rss: ${fmt(f.rss[0]!.rssMb)} MB at 0 s, ${fmt(m.at30.rssMb)} MB at ${fmt(m.at30.atMs / 1000)} s, max ${fmt(m.maxAfter)} MB after ` +
        `(max/at-30-s ${fmt(m.peakGrowth * 100)} %), ${fmt(f.rss.at(-1)!.rssMb)} MB at the end; peak VmHWM ${fmt(f.peakRssMb)} MB`,
    );
    t.diagnostic(`rss floor over 30–45 s ${fmt(m.before)} MB, over 45–60 s ${fmt(m.last)} MB: growth ${fmt(m.growth * 100)} % (asserted < ${maxRssGrowth * 100} %)`);
    t.diagnostic(`rss every second (MB): ${f.rss.map((r) => Math.round(r.rssMb)).join(' ')}`);
    t.diagnostic(`herald stderr: ${f.busyLines.length} SQLITE_BUSY lines, ${f.errorLines.length} error lines`);
    for (const line of f.errorLines.slice(0, 3)) t.diagnostic(`  ${line.slice(0, 300)}`);
    t.diagnostic(`load average after: ${loadavg().map((n) => n.toFixed(2)).join(' ')}`);
  });

  test('reads: every answer 2xx, no errors or timeouts', () => {
    for (const [path, r] of figures!.reads) {
      assert.ok(r.requests.total > 0, `${path}: no requests completed`);
      assert.equal(r.non2xx, 0, `${path}: ${r.non2xx} non-2xx answers`);
      assert.equal(r.errors, 0, `${path}: ${r.errors} errors`);
      assert.equal(r.timeouts, 0, `${path}: ${r.timeouts} timeouts`);
    }
  });

  test(`reads: p99 ≤ ${readP99BoundMs} ms on every path`, () => {
    for (const [path, r] of figures!.reads) assert.ok(r.latency.p99 <= readP99BoundMs, `${path}: p99 ${r.latency.p99} ms > ${readP99BoundMs} ms`);
  });

  test(`writes: one a second, every one answered 2xx, none waiting near busy_timeout (${busyTimeoutMs} ms)`, () => {
    const { writes, busyLines } = figures!;
    assert.ok(writes.length >= loadSeconds - 1, `only ${writes.length} writes in ${loadSeconds} s`);
    const failed = writes.filter((w) => w.status < 200 || w.status >= 300);
    assert.deepEqual(failed, [], `${failed.length} writes failed`);
    const max = Math.max(...writes.map((w) => w.ms));
    assert.ok(max < busyTimeoutMs, `slowest write took ${fmt(max)} ms`);
    assert.deepEqual(busyLines, [], 'Herald logged SQLITE_BUSY');
  });

  test(`memory: RSS over the second half grows under ${maxRssGrowth * 100} %`, () => {
    const { before, last, growth } = rssFigures(figures!.rss);
    assert.ok(growth < maxRssGrowth, `RSS floor ${fmt(before)} MB over the first quarter of the second half, ${fmt(last)} MB over the last: +${fmt(growth * 100)} %`);
  });

  test(`fan-out: every delivery the writes queued ends delivered within ${drainBoundMs / 1000} s of the load`, () => {
    const { deliveries, drained, writes, sinkAtEnd, errorLines } = figures!;
    const ok = writes.filter((w) => w.status >= 200 && w.status < 300).length;
    assert.equal(deliveries.events, ok, 'one notifying event per write');
    assert.equal(deliveries.total, ok * subscriberCount, `each write queues ${subscriberCount} deliveries`);
    assert.ok(drained, `deliveries not all delivered: ${JSON.stringify(deliveries.states)}`);
    assert.ok(sinkAtEnd.requests >= deliveries.total, `the sink received ${sinkAtEnd.requests} of ${deliveries.total}`);
    assert.equal(sinkAtEnd.badSignatures, 0, 'bad signatures');
    assert.deepEqual(errorLines, [], 'Herald logged errors');
  });
});

/** autocannon on one URL for `seconds`; stopped by `after` if the test is cut short. */
async function run(url: string, seconds: number): Promise<Result> {
  const instance = autocannon({ url, connections: connectionsPerPath, pipelining: 1, duration: seconds });
  instances.add(instance);
  try {
    return await instance;
  } finally {
    instances.delete(instance);
  }
}

const lifecycle = [
  { kind: 'create', status: 'investigating', body: 'We are investigating elevated error rates on the API in eu-west.' },
  { kind: 'identified', status: 'identified', body: 'A faulty load balancer node was identified and is being drained.' },
  { kind: 'monitoring', status: 'monitoring', body: 'Error rates are back to normal; we are monitoring.' },
  { kind: 'resolved', status: 'resolved', body: 'This incident has been resolved.' },
] as const;

/**
 * One write per second until `endAt` (wall ms), each on its own schedule slot: create an incident,
 * then move it through identified, monitoring and resolved, then the next. No components are
 * touched, so each write emits exactly one event and 1,000 deliveries.
 */
async function writeLoop(herald: HeraldProcess, startAt: number, endAt: number): Promise<{ writes: WriteSample[]; incidentIds: string[] }> {
  const writes: WriteSample[] = [];
  const incidentIds: string[] = [];
  let current: string | undefined;
  for (let i = 0; ; i += 1) {
    const due = startAt + writeEveryMs / 2 + i * writeEveryMs;
    if (due >= endAt) break;
    await sleep(Math.max(0, due - wallMs()));
    const step = lifecycle[i % lifecycle.length]!;
    const creating = step.kind === 'create' || current === undefined;
    const n = Math.floor(i / lifecycle.length) + 1;
    const body = creating
      ? { incident: { name: `Load test incident ${n}: elevated API error rates`, body: lifecycle[0].body } }
      : { incident: { status: step.status, body: step.body } };
    const at = wallMs();
    const sample: WriteSample = { kind: creating ? 'create' : step.kind, at, ms: 0, status: 0 };
    try {
      const res = await fetch(`${herald.baseUrl}/api/v1/pages/${herald.pageId}/incidents${creating ? '' : `/${current}`}`, {
        method: creating ? 'POST' : 'PATCH',
        headers: { authorization: `OAuth ${herald.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(writeTimeoutMs),
      });
      const text = await res.text();
      sample.status = res.status;
      if (res.ok && creating) {
        current = (JSON.parse(text) as { id: string }).id;
        incidentIds.push(current);
      }
      if (!res.ok) sample.error = text.slice(0, 200);
    } catch (error) {
      sample.error = String(error);
    }
    sample.ms = wallMs() - at;
    writes.push(sample);
    // After a resolve, or a failed create, the next write starts a new incident.
    if (step.kind === 'resolved' || (creating && sample.status !== 201)) current = undefined;
  }
  return { writes, incidentIds };
}

/**
 * RSS over the second half of the load. Under this allocation rate V8 grows and shrinks its heap in a
 * sawtooth of ±15 % with a period of 10–30 s (one run: 186 MB at 30 s, 208 MB at 35 s, 220 MB peak,
 * then 169 MB at 60 s, still under load), so "the largest sample after 30 s vs the one sample at 30 s"
 * mostly measures where that one sample fell in a GC cycle. Asserted instead, over the second half:
 * the lowest RSS of 45–60 s against the lowest of 30–45 s. Each window spans several collections, so
 * its floor is what the process retains; a leak raises it, the sawtooth does not. Means and the
 * single-sample figure are printed too.
 */
function rssFigures(samples: readonly RssSample[]): { at30: RssSample; maxAfter: number; peakGrowth: number; before: number; last: number; growth: number } {
  const half = (loadSeconds * 1_000) / 2;
  const at30 = samples.reduce((best, s) => (Math.abs(s.atMs - half) < Math.abs(best.atMs - half) ? s : best));
  const maxAfter = Math.max(...samples.filter((s) => s.atMs >= at30.atMs).map((s) => s.rssMb));
  const end = samples.at(-1)!.atMs;
  // The floor of each window: RSS right after the collections in it, i.e. what is really retained.
  // A leak raises the floor; the heap's sawtooth (and V8 sizing its heap up under heavy load) does not.
  const floor = (from: number, to: number) => Math.min(...samples.filter((s) => s.atMs >= from && s.atMs <= to).map((s) => s.rssMb));
  const mid = half + (end - half) / 2;
  const before = floor(half, mid);
  const last = floor(mid, end);
  return { at30, maxAfter, peakGrowth: maxAfter / at30.rssMb - 1, before, last, growth: last / before - 1 };
}

// Crash safety of the outbox: a big fan-out is killed with SIGKILL at random points while it is
// being delivered, Herald is restarted on the same SQLite file, and the receiving side must have
// got every message at least once, duplicates only for deliveries that were in flight at the kill
// and always under the same id. Real child processes (`herald serve`, a loopback webhook receiver,
// a local smtp-server) and a real database file throughout.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { timedPost } from '../bench/lib/fanout.js';
import { startHerald, type HeraldProcess } from '../bench/lib/herald.js';
import { pollUntil, sleep, wallMs } from '../bench/lib/measure.js';
import { seedSubscribers, watchOutbox, type OutboxWatch } from '../bench/lib/outbox-db.js';
import { stopAll, type Child } from '../bench/lib/processes.js';
import { hookPath, subscriberId } from '../bench/lib/seeded-subscriber.js';
import { startSmtpSink } from '../bench/lib/smtp-sink.js';
import { startWebhookSink } from '../bench/lib/webhook-sink.js';
import { countStates, inspectOutbox, type OutboxInspect } from './lib/outbox-inspect.js';

const publicHost = 'status.example.com';
// Herald's default, set explicitly because the duplicate bound below is stated in it.
const concurrency = 32;
const runs = 5;
const minKillMs = 20;
// Kills land while at most this share of the rows is delivered, so there is always work left.
const killRange = 0.9;
// Generous: a restarted Herald first waits for the killed one's leases (3 s) to expire.
const drainTimeoutMs = 60_000;

interface Receiver {
  /** Starts counting from zero. */
  reset(): Promise<void>;
  /** The copies received since the last reset: for each seeded subscriber n, the id each copy carried. */
  copies(): Promise<Map<number, string[]>>;
  /** The id every copy of the delivery whose message_id is `messageId` must carry. */
  idOf(messageId: string): string;
}

interface CrashCase {
  channel: string;
  subscribers: number;
  env: Record<string, string>;
  seed(databaseFile: string, pageId: string): void;
  receiver: Receiver;
}

const incident = (label: string) => ({
  incident: { name: `Crash test ${label}: elevated API error rates`, body: 'We are investigating an increase in 5xx responses from the API.' },
});

async function sigkill(child: Child): Promise<void> {
  const exited = new Promise<void>((resolve) => child.process.once('exit', () => resolve()));
  child.process.kill('SIGKILL');
  await exited;
}

/** Copies per subscriber checked against the delivery rows of one event. */
function compare(c: CrashCase, rows: ReturnType<OutboxInspect['rows']>, copies: Map<number, string[]>) {
  const bySubscriber = new Map(rows.map((r) => [r.subscriberId, r]));
  const missing: number[] = [];
  const wrongIds: string[] = [];
  const duplicated = new Map<string, number>();
  for (let n = 0; n < c.subscribers; n += 1) {
    const row = bySubscriber.get(subscriberId(n));
    const got = copies.get(n) ?? [];
    if (!row) {
      missing.push(n);
      continue;
    }
    if (got.length === 0) missing.push(n);
    const expected = c.receiver.idOf(row.messageId);
    for (const id of got) if (id !== expected) wrongIds.push(`subscriber ${n}: got ${id}, its delivery's id is ${expected}`);
    if (got.length > 1) duplicated.set(row.subscriberId, got.length - 1);
  }
  const strangers = [...copies.keys()].filter((n) => n < 0 || n >= c.subscribers);
  return { missing, wrongIds, duplicated, strangers };
}

async function crashLoop(t: TestContext, c: CrashCase): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), `herald-long-crash-${c.channel}-`));
  const databaseFile = join(dir, 'herald.db');
  const env = { OUTBOX_LEASE: '3s', OUTBOX_POLL: '200ms', OUTBOX_CONCURRENCY: String(concurrency), ...c.env };
  let watch: OutboxWatch | undefined;
  let inspect: OutboxInspect | undefined;
  try {
    let herald: HeraldProcess = await startHerald(env, { databaseFile });
    const seeded = Date.now();
    c.seed(databaseFile, herald.pageId);
    t.diagnostic(`${c.channel}: seeded ${c.subscribers} subscribers in ${Date.now() - seeded} ms; OUTBOX_CONCURRENCY=${concurrency}, OUTBOX_LEASE=3s, OUTBOX_POLL=200ms`);
    watch = watchOutbox(databaseFile);
    inspect = inspectOutbox(databaseFile);
    const w = watch;
    const db = inspect;
    const drained = (eventId: number, total: number) =>
      pollUntil(() => (w.deliveries(eventId).states['delivered'] ?? 0) >= total, 100, drainTimeoutMs);

    // An uninterrupted fan-out first: its duration is the range the kill points are drawn from.
    await c.receiver.reset();
    const calibration = await timedPost(herald, incident('calibration'));
    const calibrationEvent = w.event(calibration.incidentId).id;
    const total = w.deliveries(calibrationEvent).total;
    assert.equal(total, c.subscribers, `the incident queued ${total} deliveries for ${c.subscribers} subscribers`);
    assert.ok(await drained(calibrationEvent, total), `the uninterrupted fan-out did not finish: ${JSON.stringify(w.deliveries(calibrationEvent).states)}`);
    const allDeliveredMs = Math.round(w.deliveries(calibrationEvent).lastDeliveredAt! - calibration.respondedAt);
    const clean = compare(c, db.rows(calibrationEvent), await c.receiver.copies());
    t.diagnostic(
      `${c.channel}: uninterrupted fan-out of ${total} delivered ${allDeliveredMs} ms after the POST answered (POST ${Math.round(calibration.postMs)} ms); ` +
        `${clean.missing.length} missing, ${[...clean.duplicated.values()].reduce((a, b) => a + b, 0)} duplicates`,
    );
    assert.deepEqual(clean.missing, [], 'subscribers missing from the uninterrupted fan-out');

    // The kill points are drawn by progress, not by clock: on 2 shared cores the same fan-out took
    // anywhere from 0.5× to 2× the calibration time, and a delay drawn from [20 ms, all delivered]
    // often killed a process that had already finished. One point per stratum of
    // [0, 90 %) of the rows delivered, never earlier than 20 ms after the POST answered.
    const points = Array.from({ length: runs }, (_, i) => Math.floor((total * killRange * (i + Math.random())) / runs));
    t.diagnostic(`${c.channel}: kill points (rows delivered when the SIGKILL is sent, of ${total}): ${points.join(', ')}`);

    const summary: string[] = [];
    for (const [i, point] of points.entries()) {
      await t.test(`${c.channel} run ${i + 1}/${runs}: SIGKILL after ${point} of ${total} delivered`, async (st) => {
        await c.receiver.reset();
        const post = await timedPost(herald, incident(`run ${i + 1}`));
        const eventId = w.event(post.incidentId).id;
        const wait = post.respondedAt + minKillMs - wallMs();
        if (wait > 0) await sleep(wait);
        while (db.delivered(eventId) < point && wallMs() - post.respondedAt < drainTimeoutMs) await sleep(2);
        const killedAfter = Math.round(wallMs() - post.respondedAt);
        await sigkill(herald.child);

        // What the killed process left: rows still leased to it are what could have been in flight.
        const atKill = db.rows(eventId);
        const statesAtKill = countStates(atKill);
        const leased = new Set(atKill.filter((r) => r.state === 'sending').map((r) => r.subscriberId));
        const integrityAtKill = db.integrity();

        const restarting = wallMs();
        herald = await startHerald(env, { databaseFile, restartOf: herald });
        const restartMs = Math.round(wallMs() - restarting);
        const complete = await drained(eventId, total);
        const rows = db.rows(eventId);
        const drainMs = Math.round((w.deliveries(eventId).lastDeliveredAt ?? Date.now()) - restarting);
        const { missing, wrongIds, duplicated, strangers } = compare(c, rows, await c.receiver.copies());
        const duplicates = [...duplicated.values()].reduce((a, b) => a + b, 0);
        const notLeased = [...duplicated.keys()].filter((id) => !leased.has(id));
        const integrity = db.integrity();
        const reattempted = rows.filter((r) => r.attemptCount > 1).length;

        const line =
          `killed ${killedAfter} ms after the POST answered (at ${point}+ delivered) with ${JSON.stringify(statesAtKill)}; ` +
          `restart ${restartMs} ms; all delivered ${drainMs} ms after the restart began; ` +
          `${duplicates} duplicate(s) (${leased.size} rows were leased at the kill, bound ${concurrency}); ` +
          `${reattempted} rows took 2+ attempts; integrity at kill: ${integrityAtKill}, after: ${integrity}`;
        st.diagnostic(line);
        summary.push(
          `run ${i + 1}: kill at ${killedAfter} ms / ${statesAtKill['delivered'] ?? 0} delivered, ${leased.size} in flight, ${duplicates} duplicates, drained ${drainMs} ms after restart`,
        );

        assert.ok(complete, `not every delivery ended delivered within ${drainTimeoutMs} ms of the restart: ${JSON.stringify(countStates(rows))}`);
        assert.deepEqual(missing.slice(0, 20), [], `${missing.length} subscribers never received the event`);
        assert.deepEqual(wrongIds.slice(0, 20), [], `${wrongIds.length} copies carried another id than their delivery's`);
        assert.deepEqual(strangers, [], 'copies arrived for subscribers that were never seeded');
        assert.ok(
          [...duplicated.values()].every((extra) => extra === 1),
          `a subscriber got more than two copies after one kill: ${JSON.stringify(Object.fromEntries(duplicated))}`,
        );
        // The worker claims at most its free concurrency and starts every row it claims
        // (src/outbox/worker.ts claimAndLaunch), so "claimed but unsent" rows are among the leased
        // ones: only a row still `sending` at the kill can have reached the receiver without its
        // result being recorded. Hence duplicates ⊆ leased rows, and |leased| ≤ OUTBOX_CONCURRENCY.
        assert.ok(leased.size <= concurrency, `${leased.size} rows were leased at the kill, more than OUTBOX_CONCURRENCY=${concurrency}`);
        assert.deepEqual(notLeased, [], 'duplicates of deliveries that were not in flight at the kill');
        assert.ok(duplicates <= leased.size, `${duplicates} duplicates but only ${leased.size} deliveries were in flight`);
        assert.equal(integrityAtKill, 'ok', 'PRAGMA integrity_check right after the SIGKILL');
        assert.equal(integrity, 'ok', 'PRAGMA integrity_check after the restart drained the outbox');
      });
    }
    t.diagnostic(`${c.channel} summary: ${summary.join('; ')}`);
  } finally {
    watch?.close();
    inspect?.close();
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('webhook fan-out to 5,000 subscribers survives SIGKILL at random points', { timeout: 240_000 }, async (t) => {
  const sink = await startWebhookSink();
  await crashLoop(t, {
    channel: 'webhook',
    subscribers: 5_000,
    env: { WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32' },
    seed: (file, pageId) => seedSubscribers(file, pageId, 5_000, (n) => `${sink.baseUrl}${hookPath(n)}`),
    receiver: {
      reset: async () => void (await sink.reset()),
      async copies() {
        const byN = new Map<number, string[]>();
        for (const [n, id] of await sink.received()) byN.set(n, [...(byN.get(n) ?? []), id]);
        return byN;
      },
      idOf: (messageId) => messageId,
    },
  });
});

// 2,000 rather than 5,000: mail goes through a pool of 5 SMTP connections and renders two
// templates per message, several times slower than a webhook; 2,000 keeps the runs in budget.
const emailSubscribers = 2_000;

test(`email fan-out to ${emailSubscribers.toLocaleString('en-US')} subscribers survives SIGKILL at random points`, { timeout: 240_000 }, async (t) => {
  const smtp = await startSmtpSink({ record: true });
  await crashLoop(t, {
    channel: 'email',
    subscribers: emailSubscribers,
    env: { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, SMTP_RATE_LIMIT: '0' },
    seed: (file, pageId) => seedSubscribers(file, pageId, emailSubscribers),
    receiver: {
      reset: async () => void (await smtp.reset()),
      async copies() {
        const byN = new Map<number, string[]>();
        for (const [to, messageId] of await smtp.received()) {
          for (const address of to) {
            const n = /^reader(\d+)@example\.com$/.exec(address)?.[1];
            const key = n === undefined ? -1 : Number(n);
            byN.set(key, [...(byN.get(key) ?? []), messageId]);
          }
        }
        return byN;
      },
      idOf: (messageId) => `<${messageId}@${publicHost}>`,
    },
  });
});

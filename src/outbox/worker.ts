import { eq, sql } from 'drizzle-orm';
import type { Eta } from 'eta';
import type { Clock } from '../clock.js';
import type { OutboxConfig } from '../config.js';
import type { Db } from '../db/client.js';
import { events, pages, subscribers } from '../db/schema/index.js';
import type { Mailer } from '../channels/email.js';
import type { DeliveryResult } from '../channels/result.js';
import type { SendWebhook } from '../channels/webhook.js';
import type { Logger } from '../logger.js';
import { createClaimStatements, type ClaimedDelivery } from './claim.js';
import { isSubscriberNotice, type EventType, type SubscriberState } from '../db/schema/constants.js';
import { describeScope } from '../subscribers/describe-scope.js';
import { withComponents } from '../subscribers/internal.js';
import { ensureManageSecret, issueConfirmationSecret } from '../subscribers/self-service.js';
import { linkToken, subscriptionUrls } from '../subscribers/tokens.js';
import { notificationEmail, unsubscribeUrl, webhookRequest, type EventForDelivery, type MessageLinks } from './messages.js';
import { pruneDeliveries } from './prune.js';
import { createResultRecorder, type RecordOutcome } from './record-result.js';

export interface OutboxWorkerDeps {
  db: Db;
  clock: Clock;
  config: OutboxConfig;
  publicUrl: string;
  mailFrom: string;
  views: Eta;
  sendWebhook: SendWebhook;
  mailer: Mailer;
  logger: Logger;
  userAgent: string;
  /** How long the link of a confirmation mail works. */
  confirmationTtlMs: number;
  /** Mailbox offered as List-Unsubscribe's mailto: target, if any. */
  unsubscribeMailto?: string | undefined;
  random?: () => number;
}

export interface OutboxWorker {
  /** Claims what is due now (up to the free concurrency) and waits for those deliveries. Returns how many were tried. */
  runOnce(): Promise<number>;
  /** Runs until stop(): woken by wake() after commits, polling as a fallback. */
  start(): void;
  /** Something was queued: look now instead of at the next poll. */
  wake(): void;
  /** Stops claiming, lets in-flight attempts finish within `graceMs`, then gives the rest back. */
  stop(graceMs?: number): Promise<void>;
  /** Deliveries in flight right now. */
  inFlight(): number;
}

const eventCacheSize = 64;

/**
 * Whether a queued row should be parked instead of sent, given what became of its subscriber:
 * notifications go to active subscribers only (a quarantined one keeps them held), a confirmation
 * only to a subscription still waiting for it, and nothing to one that unsubscribed.
 */
function parkedState(type: EventType, state: SubscriberState): 'held' | 'cancelled' | undefined {
  if (type === 'subscriber.quarantined') return undefined;
  if (state === 'unsubscribed') return 'cancelled';
  if (type === 'subscriber.confirmation_requested') return state === 'active' ? 'cancelled' : undefined;
  if (type === 'subscriber.manage_link_requested') return undefined;
  return state === 'active' ? undefined : state === 'quarantined' ? 'held' : 'cancelled';
}

/** The only writer of delivery results: claims leased rows, sends them through the channels, records the outcome. */
export function createOutboxWorker(deps: OutboxWorkerDeps): OutboxWorker {
  const { db, clock, config, logger } = deps;
  const statements = createClaimStatements(db);
  const random = deps.random ?? Math.random;
  const policy = { ...config, random };
  const recorder = createResultRecorder(db, policy);
  const subscriberById = db.select().from(subscribers).where(eq(subscribers.id, sql.placeholder('id'))).prepare();
  const pageById = db.select().from(pages).where(eq(pages.id, sql.placeholder('id'))).prepare();
  // Claiming costs a statement; after one delivery finishes, wait until a few slots are free.
  const claimBatch = Math.min(8, config.concurrency);
  const inFlightByChannel = { webhook: 0, email: 0 };
  const budget = { webhook: config.concurrency, email: config.emailConcurrency };
  // A webhook that has not answered within slowAfterMs stops counting against the budget, so hanging
  // endpoints cannot trap every slot while fast ones run at an efficient concurrency; all webhooks
  // together stay under maxInFlight.
  let slowWebhooks = 0;
  const shutdown = new AbortController();
  const inFlightBySubscriber = new Map<string, number>();
  const running = new Set<Promise<void>>();
  const eventCache = new Map<number, EventForDelivery>();
  const urls = subscriptionUrls(deps.publicUrl);
  let stopping = false;
  let started = false;
  let pumping = false;
  let pumpAgain = false;
  let pollTimer: NodeJS.Timeout | undefined;
  let pruneTimer: NodeJS.Timeout | undefined;

  const loadEvent = (id: number): EventForDelivery | undefined => {
    const cached = eventCache.get(id);
    if (cached) return cached;
    const row = db.select().from(events).where(eq(events.id, id)).get();
    if (!row) return undefined;
    const json = JSON.stringify(row.payload);
    const event = { id: row.id, publicId: row.publicId, type: row.type, createdAt: row.createdAt, payload: row.payload, payloadJsonInner: json.slice(1, -1) };
    if (eventCache.size >= eventCacheSize) eventCache.delete(eventCache.keys().next().value!);
    eventCache.set(id, event);
    return event;
  };

  async function attempt(delivery: ClaimedDelivery): Promise<RecordOutcome | 'released'> {
    const subscriber = subscriberById.get({ id: delivery.subscriberId });
    const event = loadEvent(delivery.eventId);
    const now = clock.now();
    if (!subscriber || !event) return statements.release(delivery, now, now) ? 'released' : 'stale';
    const isNotice = isSubscriberNotice(event.type);
    // The subscriber's state may have changed since the row was queued.
    const parked = parkedState(event.type, subscriber.state);
    if (parked) return statements.settle(delivery, parked, now) ? 'released' : 'stale';
    let result: DeliveryResult;
    try {
      if (delivery.channel === 'webhook') {
        result = await deps.sendWebhook(webhookRequest(event, subscriber, delivery.messageId, deps.publicUrl, deps.userAgent, now), shutdown.signal);
      } else {
        const page = pageById.get({ id: subscriber.pageId })!;
        const links: MessageLinks = {
          unsubscribe: unsubscribeUrl(deps.publicUrl, subscriber),
          manage: urls.manage(linkToken(subscriber.id, ensureManageSecret(db, subscriber))),
          mailto: deps.unsubscribeMailto,
        };
        if (event.type === 'subscriber.confirmation_requested') {
          links.confirm = urls.confirm(linkToken(subscriber.id, issueConfirmationSecret(db, subscriber.id, now, deps.confirmationTtlMs)));
          links.scope = describeScope(db, withComponents(db, [subscriber])[0]!, page.name);
        }
        result = await deps.mailer.send(notificationEmail(deps.views, event, subscriber, page, delivery.messageId, deps.publicUrl, deps.mailFrom, links));
      }
    } catch (error) {
      result = { ok: false, retryable: true, durationMs: clock.now().getTime() - now.getTime(), error: `internal error: ${String(error)}` };
    }
    // Interrupted by shutdown: the receiver never answered, so the row goes back untried.
    if (shutdown.signal.aborted && !result.ok) return statements.release(delivery, clock.now(), clock.now()) ? 'released' : 'stale';
    return recorder.record({ delivery, result, started: now, now: clock.now(), countsForEndpoint: !isNotice });
  }

  function launch(delivery: ClaimedDelivery): Promise<void> {
    inFlightBySubscriber.set(delivery.subscriberId, (inFlightBySubscriber.get(delivery.subscriberId) ?? 0) + 1);
    inFlightByChannel[delivery.channel] += 1;
    let slow = false;
    const slowTimer =
      delivery.channel === 'webhook'
        ? setTimeout(() => {
            slow = true;
            slowWebhooks += 1;
            if (started && !stopping) pump();
          }, config.slowAfterMs)
        : undefined;
    slowTimer?.unref();
    const task = attempt(delivery)
      .then((outcome) => {
        if (outcome === 'stale') logger.warn('a delivery result arrived after its lease was taken over; ignored', { delivery: delivery.id });
      })
      .catch((error: unknown) => logger.error('recording a delivery failed; its lease will expire and it will be retried', { delivery: delivery.id, error: String(error) }))
      .finally(() => {
        clearTimeout(slowTimer);
        if (slow) slowWebhooks -= 1;
        inFlightByChannel[delivery.channel] -= 1;
        const left = (inFlightBySubscriber.get(delivery.subscriberId) ?? 1) - 1;
        if (left === 0) inFlightBySubscriber.delete(delivery.subscriberId);
        else inFlightBySubscriber.set(delivery.subscriberId, left);
        running.delete(task);
        if (started && !stopping) pump();
      });
    running.add(task);
    return task;
  }

  /** Claims up to the free capacity and starts each delivery; returns the started tasks. */
  function claimAndLaunch(): Promise<void>[] {
    if (stopping) return [];
    const now = clock.now();
    const busy = [...inFlightBySubscriber].filter(([, n]) => n >= config.perSubscriberConcurrency).map(([id]) => id);
    const tasks: Promise<void>[] = [];
    // Each channel claims within its own budget, so a slow mail server never holds webhooks back.
    for (const channel of ['webhook', 'email'] as const) {
      const counted = channel === 'webhook' ? inFlightByChannel.webhook - slowWebhooks : inFlightByChannel.email;
      const ceiling = channel === 'webhook' ? config.maxInFlight - inFlightByChannel.webhook : Infinity;
      const free = Math.min(budget[channel] - counted, ceiling);
      if (free <= 0 || (free < Math.min(claimBatch, budget[channel]) && counted > 0)) continue;
      const claimed = statements.claim(now, free, config.leaseMs, busy, [channel]);
      for (const delivery of claimed) {
        // A second row of one subscriber in the same batch waits its turn instead of piling onto a slow endpoint.
        if ((inFlightBySubscriber.get(delivery.subscriberId) ?? 0) >= config.perSubscriberConcurrency) {
          statements.release(delivery, new Date(now.getTime() + 250), now);
          continue;
        }
        tasks.push(launch(delivery));
      }
    }
    return tasks;
  }

  function pump(): void {
    if (pumping) {
      pumpAgain = true;
      return;
    }
    pumping = true;
    try {
      do {
        pumpAgain = false;
        const launched = claimAndLaunch().length;
        if (launched > 0 && running.size - slowWebhooks < budget.webhook + budget.email) pumpAgain = true;
      } while (pumpAgain && !stopping);
    } catch (error) {
      logger.error('claiming deliveries failed; retrying at the next poll', { error: String(error) });
    } finally {
      pumping = false;
    }
  }

  return {
    async runOnce() {
      const tasks = claimAndLaunch();
      await Promise.all(tasks);
      return tasks.length;
    },
    start() {
      if (started) return;
      started = true;
      const poll = () => {
        pump();
        pollTimer = setTimeout(poll, config.pollMs);
        pollTimer.unref();
      };
      poll();
      const prune = () => {
        try {
          pruneDeliveries(db, new Date(clock.now().getTime() - config.retentionMs));
        } catch (error) {
          logger.error('pruning delivered rows failed', { error: String(error) });
        }
      };
      prune();
      pruneTimer = setInterval(prune, 60 * 60 * 1000);
      pruneTimer.unref();
    },
    wake() {
      // A microtask: the commit's response goes out first, and the first delivery leaves right after,
      // ahead of anything else queued (such as the public page rebuild).
      if (started && !stopping) queueMicrotask(pump);
    },
    async stop(graceMs = 10_000) {
      stopping = true;
      clearTimeout(pollTimer);
      clearInterval(pruneTimer);
      const settled = Promise.allSettled([...running]);
      const grace = new Promise((resolve) => setTimeout(resolve, graceMs).unref());
      await Promise.race([settled, grace]);
      shutdown.abort();
      await Promise.allSettled([...running]);
    },
    inFlight: () => running.size,
  };
}

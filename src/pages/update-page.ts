import { eq } from 'drizzle-orm';
import type { DomainContext } from '../context.js';
import { pages } from '../db/schema/index.js';
import { parseInput } from '../validation.js';
import { getPageOrThrow, type PageRow } from './internal.js';
import { cssKeys, UpdatePageInput } from './schemas.js';

/** Changes page settings. Fields left out keep their values. */
export function updatePage(ctx: DomainContext, pageId: string, raw: unknown): PageRow {
  const input = parseInput(UpdatePageInput, raw, 'page');
  const now = ctx.clock.now();
  const page = ctx.db.transaction((tx) => {
    const current = getPageOrThrow(tx, pageId);
    const css = { ...current.css };
    const colours = input as Record<string, string | null | undefined>;
    for (const key of cssKeys) if (colours[key] !== undefined) css[key] = colours[key] ?? null;
    return tx
      .update(pages)
      .set({
        name: input.name,
        url: input.url,
        timeZone: input.time_zone,
        pageDescription: input.page_description,
        headline: input.headline,
        branding: input.branding,
        subdomain: input.subdomain,
        domain: input.domain,
        supportUrl: input.support_url,
        hiddenFromSearch: input.hidden_from_search,
        viewersMustBeTeamMembers: input.viewers_must_be_team_members,
        allowPageSubscribers: input.allow_page_subscribers,
        allowIncidentSubscribers: input.allow_incident_subscribers,
        allowEmailSubscribers: input.allow_email_subscribers,
        allowSmsSubscribers: input.allow_sms_subscribers,
        allowRssAtomFeeds: input.allow_rss_atom_feeds,
        allowWebhookSubscribers: input.allow_webhook_subscribers,
        notificationsFromEmail: input.notifications_from_email,
        notificationsEmailFooter: input.notifications_email_footer,
        twitterUsername: input.twitter_username,
        ipRestrictions: input.ip_restrictions,
        city: input.city,
        state: input.state,
        country: input.country,
        css,
        updatedAt: now,
      })
      .where(eq(pages.id, pageId))
      .returning()
      .get()!;
  });
  ctx.changed();
  return page;
}

import type { PageRow } from './internal.js';
import { cssKeys } from './schemas.js';

export const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

/** The manage API's Page object: every documented key present, null where unset. */
export function toPageJson(page: PageRow, publicUrl: string) {
  return {
    id: page.id,
    created_at: iso(page.createdAt),
    updated_at: iso(page.updatedAt),
    name: page.name,
    page_description: page.pageDescription,
    headline: page.headline,
    branding: page.branding,
    subdomain: page.subdomain,
    domain: page.domain,
    url: page.url ?? publicUrl,
    support_url: page.supportUrl,
    hidden_from_search: page.hiddenFromSearch,
    allow_page_subscribers: page.allowPageSubscribers,
    allow_incident_subscribers: page.allowIncidentSubscribers,
    allow_email_subscribers: page.allowEmailSubscribers,
    allow_sms_subscribers: page.allowSmsSubscribers,
    allow_rss_atom_feeds: page.allowRssAtomFeeds,
    allow_webhook_subscribers: page.allowWebhookSubscribers,
    notifications_from_email: page.notificationsFromEmail,
    notifications_email_footer: page.notificationsEmailFooter,
    activity_score: 0,
    twitter_username: page.twitterUsername,
    viewers_must_be_team_members: page.viewersMustBeTeamMembers,
    ip_restrictions: page.ipRestrictions,
    city: page.city,
    state: page.state,
    country: page.country,
    time_zone: page.timeZone,
    ...Object.fromEntries(cssKeys.map((key) => [key, page.css[key] ?? null])),
    favicon_logo: null,
    transactional_logo: null,
    hero_cover: null,
    email_logo: null,
    twitter_logo: null,
  };
}

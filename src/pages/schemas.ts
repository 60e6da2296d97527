import { z } from 'zod';
import { bool, nullable, text } from '../validation.js';

export const cssKeys = [
  'css_body_background_color',
  'css_font_color',
  'css_light_font_color',
  'css_greens',
  'css_yellows',
  'css_oranges',
  'css_reds',
  'css_blues',
  'css_border_color',
  'css_graph_color',
  'css_link_color',
  'css_no_data',
] as const;

const colour = nullable(z.string().regex(/^#?[0-9a-f]{3}(?:[0-9a-f]{3})?$/i, 'must be a hex colour such as #22aa44'));

const timeZone = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as Europe/Berlin or Etc/UTC');

const httpUrl = z
  .string()
  .max(2048, 'must be at most 2048 characters')
  .refine((s) => {
    try {
      return ['http:', 'https:'].includes(new URL(s).protocol);
    } catch {
      return false;
    }
  }, 'must be an http(s) URL');

export const UpdatePageInput = z
  .object({
    name: text(255).transform((s) => s.trim()).refine((s) => s.length > 0, 'must not be blank'),
    url: nullable(httpUrl),
    time_zone: timeZone,
    page_description: nullable(text(2000)),
    headline: nullable(text(255)),
    branding: z.enum(['basic', 'premium']),
    subdomain: nullable(text(255)),
    domain: nullable(text(255)),
    support_url: nullable(httpUrl),
    hidden_from_search: bool,
    viewers_must_be_team_members: bool,
    allow_page_subscribers: bool,
    allow_incident_subscribers: bool,
    allow_email_subscribers: bool,
    allow_sms_subscribers: bool,
    allow_rss_atom_feeds: bool,
    allow_webhook_subscribers: bool,
    notifications_from_email: nullable(z.email('must be an email address').max(254)),
    notifications_email_footer: nullable(text(2000)),
    twitter_username: nullable(text(64)),
    ip_restrictions: nullable(text(2000)),
    city: nullable(text(255)),
    state: nullable(text(255)),
    country: nullable(text(255)),
    ...Object.fromEntries(cssKeys.map((key) => [key, colour])),
  })
  .partial();
export type UpdatePageInput = z.infer<typeof UpdatePageInput>;

import { isMaintenance, type IncidentWithRelations } from '../incidents/internal.js';
import type { PageRow } from '../pages/internal.js';
import { occurredAt } from './load-page-history.js';
import { escapeHtml, plainTextToHtml } from './plain-text.js';
import { timeFormatter } from './status-page-view.js';
import { statusLabel } from '../status/labels.js';

// XML text and attribute escaping is the same five characters as HTML's.
const xml = escapeHtml;

/**
 * Statuspage's entry content: every update newest first as `<strong>Status</strong> - body`,
 * which feed consumers parse for the current status.
 */
function entryHtml(incident: IncidentWithRelations, time: (d: Date) => string): string {
  return incident.updates
    .map((u) => `<p><small>${escapeHtml(time(u.displayAt))}</small><br><strong>${escapeHtml(statusLabel(u.status))}</strong> - ${plainTextToHtml(u.body)}</p>`)
    .join('');
}

const lastUpdated = (incidents: readonly IncidentWithRelations[], fallback: Date) =>
  new Date(Math.max(fallback.getTime(), ...incidents.map((i) => i.updatedAt.getTime())));

const tagId = (publicUrl: string, id: string) => `tag:${new URL(publicUrl).host},2005:Incident/${id}`;

export function atomFeed(page: PageRow, incidents: readonly IncidentWithRelations[], publicUrl: string): string {
  const time = timeFormatter(page.timeZone);
  const host = new URL(publicUrl).host;
  const entries = incidents.map(
    (i) => `  <entry>
    <id>${xml(tagId(publicUrl, i.id))}</id>
    <published>${occurredAt(i).toISOString()}</published>
    <updated>${i.updatedAt.toISOString()}</updated>
    <link rel="alternate" type="text/html" href="${xml(`${publicUrl}/incidents/${i.id}`)}"/>
    <title>${xml(i.name)}</title>
    <content type="html">${xml(entryHtml(i, (d) => time(d)))}</content>
  </entry>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<feed xml:lang="en-US" xmlns="http://www.w3.org/2005/Atom">
  <id>tag:${xml(host)},2005:/history</id>
  <link rel="alternate" type="text/html" href="${xml(publicUrl)}"/>
  <link rel="self" type="application/atom+xml" href="${xml(`${publicUrl}/history.atom`)}"/>
  <title>${xml(page.name)} Status - Incident History</title>
  <updated>${lastUpdated(incidents, page.updatedAt).toISOString()}</updated>
  <author><name>${xml(page.name)}</name></author>
${entries.join('\n')}
</feed>
`;
}

export function rssFeed(page: PageRow, incidents: readonly IncidentWithRelations[], publicUrl: string): string {
  const time = timeFormatter(page.timeZone);
  const items = incidents.map(
    (i) => `    <item>
      <title>${xml(i.name)}</title>
      <description>${xml(entryHtml(i, (d) => time(d)))}</description>
      <pubDate>${occurredAt(i).toUTCString()}</pubDate>
      <link>${xml(`${publicUrl}/incidents/${i.id}`)}</link>
      <guid isPermaLink="false">${xml(tagId(publicUrl, i.id))}</guid>
      <category>${isMaintenance(i) ? 'maintenance' : 'incident'}</category>
    </item>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>${xml(page.name)} Status - Incident History</title>
    <link>${xml(publicUrl)}</link>
    <description>${xml(`Statuspage-style incident history for ${page.name}`)}</description>
    <atom:link href="${xml(`${publicUrl}/history.rss`)}" rel="self" type="application/rss+xml"/>
    <lastBuildDate>${lastUpdated(incidents, page.updatedAt).toUTCString()}</lastBuildDate>
${items.join('\n')}
  </channel>
</rss>
`;
}

import type { HeraldProcess } from './herald.js';

const groups: Array<[string, string[]]> = [
  ['Core platform', ['API', 'Web app', 'Dashboard', 'Authentication']],
  ['Notifications', ['Webhooks', 'Email delivery', 'SMS delivery', 'Push notifications']],
  ['Infrastructure', ['Primary database', 'Search', 'CDN', 'Background jobs']],
];

const hour = 3_600_000;

/**
 * A page as a mid-sized service has one on a bad day: 12 components in 3 groups, two
 * unresolved incidents with several updates, a resolved one and an upcoming maintenance,
 * so summary.json is a few KB, not a toy body. Goes through the manage API like a client.
 */
export async function seedRealisticPage(herald: HeraldProcess): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const [groupName, names] of groups) {
    for (const name of names) {
      const description = `${name} of the Acme Cloud platform, monitored every 30 seconds from three regions.`;
      const component = await herald.api('POST', '/components', { component: { name, description, showcase: true } });
      ids.set(name, component.id);
    }
    await herald.api('POST', '/component-groups', {
      component_group: { name: groupName, description: `${groupName} services`, components: names.map((name) => ids.get(name)) },
    });
  }
  const id = (name: string) => ids.get(name)!;

  const outage = await herald.api('POST', '/incidents', {
    incident: {
      name: 'Elevated API error rates in eu-west',
      body: 'We are investigating an increase in 5xx responses from the API for customers in eu-west.',
      components: { [id('API')]: 'partial_outage', [id('Webhooks')]: 'degraded_performance' },
    },
  });
  await herald.api('PATCH', `/incidents/${outage.id}`, {
    incident: { status: 'identified', body: 'A faulty load balancer node was identified and is being drained from the pool.' },
  });
  await herald.api('PATCH', `/incidents/${outage.id}`, {
    incident: {
      status: 'monitoring',
      body: 'Error rates are back to normal. Webhook deliveries queued during the incident are being retried.',
      components: { [id('API')]: 'operational' },
    },
  });

  const email = await herald.api('POST', '/incidents', {
    incident: {
      name: 'Delayed email notifications',
      body: 'Some notification emails are arriving with a delay of up to 20 minutes. We are looking into it.',
      components: { [id('Email delivery')]: 'degraded_performance' },
    },
  });
  await herald.api('PATCH', `/incidents/${email.id}`, {
    incident: { status: 'identified', body: 'Our email provider is throttling one of our sending domains; we are moving traffic.' },
  });

  const resolved = await herald.api('POST', '/incidents', {
    incident: { name: 'Search indexing lag', body: 'New documents take longer than usual to appear in search.', components: { [id('Search')]: 'degraded_performance' } },
  });
  await herald.api('PATCH', `/incidents/${resolved.id}`, {
    incident: { status: 'resolved', body: 'Indexing has caught up.', components: { [id('Search')]: 'operational' } },
  });

  const start = Date.now() + 24 * hour;
  await herald.api('POST', '/incidents', {
    incident: {
      name: 'Primary database upgrade',
      body: 'We will upgrade the primary database cluster. The dashboard may be read-only for up to 10 minutes.',
      scheduled_for: new Date(start).toISOString(),
      scheduled_until: new Date(start + 2 * hour).toISOString(),
      component_ids: [id('Primary database'), id('Dashboard')],
    },
  });
  return ids;
}

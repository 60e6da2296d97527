import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { plainTextToHtml } from '../../src/public/plain-text.js';
import { componentUptime, formatPercent, localDayBounds } from '../../src/public/uptime.js';

const day = 86_400_000;

describe('componentUptime', () => {
  const now = new Date('2026-06-10T12:00:00Z');

  test('an always-operational component is 100 % every day it existed and has no data before', () => {
    const result = componentUptime({ since: new Date('2026-06-08T06:00:00Z'), currentStatus: 'operational', changes: [], now, days: localDayBounds(now, 'Etc/UTC', 5) });
    assert.deepEqual(result.days.map((d) => [d.date, d.worst, d.uptime]), [
      ['2026-06-06', null, null],
      ['2026-06-07', null, null],
      ['2026-06-08', 'operational', 1],
      ['2026-06-09', 'operational', 1],
      ['2026-06-10', 'operational', 1],
    ]);
    assert.equal(result.uptime, 1);
  });

  test('a six-hour major outage makes that day 75 % and colours it by the worst status', () => {
    const changes = [
      { at: new Date('2026-06-09T06:00:00Z'), from: 'operational' as const, to: 'degraded_performance' as const },
      { at: new Date('2026-06-09T08:00:00Z'), from: 'degraded_performance' as const, to: 'major_outage' as const },
      { at: new Date('2026-06-09T14:00:00Z'), from: 'major_outage' as const, to: 'operational' as const },
    ];
    const result = componentUptime({ since: new Date('2026-01-01T00:00:00Z'), currentStatus: 'operational', changes, now, days: localDayBounds(now, 'Etc/UTC', 3) });
    const [, outageDay, today] = result.days;
    assert.equal(outageDay!.worst, 'major_outage');
    assert.equal(outageDay!.uptime, 0.75);
    assert.equal(today!.uptime, 1);
    // 6 h down over 2 full days + 12 h of today.
    assert.equal(result.uptime, 1 - (6 * 3600_000) / (2 * day + day / 2));
  });

  test('a partial outage counts 30 % and days follow the page time zone', () => {
    const changes = [
      { at: new Date('2026-06-09T22:00:00Z'), from: 'operational' as const, to: 'partial_outage' as const },
      { at: new Date('2026-06-10T02:00:00Z'), from: 'partial_outage' as const, to: 'operational' as const },
    ];
    // In Tokyo (UTC+9) the whole outage falls on June 10 local time (07:00–11:00).
    const tokyo = componentUptime({ since: new Date('2026-01-01T00:00:00Z'), currentStatus: 'operational', changes, now, days: localDayBounds(now, 'Asia/Tokyo', 2) });
    assert.deepEqual(tokyo.days.map((d) => [d.date, d.worst]), [['2026-06-09', 'operational'], ['2026-06-10', 'partial_outage']]);
    const utc = componentUptime({ since: new Date('2026-01-01T00:00:00Z'), currentStatus: 'operational', changes, now, days: localDayBounds(now, 'Etc/UTC', 2) });
    assert.equal(utc.days[0]!.worst, 'partial_outage');
    assert.equal(utc.days[0]!.uptime, 1 - (2 * 3600_000 * 0.3) / day);
  });

  test('formatPercent never rounds a bad day up to 100 %', () => {
    assert.equal(formatPercent(1), '100%');
    assert.equal(formatPercent(0.99999), '99.99%');
    assert.equal(formatPercent(0.75), '75.00%');
  });
});

describe('plainTextToHtml', () => {
  test('escapes HTML, keeps line breaks and links http(s) URLs', () => {
    assert.equal(
      plainTextToHtml('See https://example.com/a?b=1&c=2.\n<b>bold</b>'),
      'See <a href="https://example.com/a?b=1&amp;c=2" rel="nofollow noopener noreferrer">https://example.com/a?b=1&amp;c=2</a>.<br>\n&lt;b&gt;bold&lt;/b&gt;',
    );
  });

  test('hostile bodies stay inert', () => {
    const html = plainTextToHtml('<script>alert(1)</script> <img src=x onerror=alert(2)> javascript:alert(3) "quoted"');
    assert.ok(!/<script|<img/.test(html));
    assert.ok(!html.includes('href="javascript'));
    assert.ok(html.includes('&quot;quoted&quot;'));
  });

  test('a URL cannot break out of its attribute', () => {
    const html = plainTextToHtml('https://evil.test/"onmouseover="alert(1)');
    assert.equal(html, '<a href="https://evil.test/" rel="nofollow noopener noreferrer">https://evil.test/</a>&quot;onmouseover=&quot;alert(1)');
  });
});

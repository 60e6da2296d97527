import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { localDate, nextDate, parseLocalDateTime, startOfLocalDay, toLocalDateTimeValue, zonedToUtc } from '../../src/time/zoned.js';

describe('zoned time', () => {
  test('a Berlin wall time in winter and summer maps to the right UTC instant', () => {
    assert.equal(zonedToUtc({ year: 2026, month: 1, day: 15, hour: 9, minute: 30 }, 'Europe/Berlin').toISOString(), '2026-01-15T08:30:00.000Z');
    assert.equal(zonedToUtc({ year: 2026, month: 7, day: 15, hour: 9, minute: 30 }, 'Europe/Berlin').toISOString(), '2026-07-15T07:30:00.000Z');
  });

  test('local midnight across a DST change and a zone west of UTC', () => {
    assert.equal(startOfLocalDay('2026-03-29', 'Europe/Berlin').toISOString(), '2026-03-28T23:00:00.000Z');
    assert.equal(startOfLocalDay('2026-03-30', 'Europe/Berlin').toISOString(), '2026-03-29T22:00:00.000Z');
    assert.equal(startOfLocalDay('2026-11-01', 'America/Los_Angeles').toISOString(), '2026-11-01T07:00:00.000Z');
    assert.equal(startOfLocalDay('2026-11-02', 'America/Los_Angeles').toISOString(), '2026-11-02T08:00:00.000Z');
  });

  test('an instant near midnight UTC belongs to different local days in different zones', () => {
    const instant = new Date('2026-05-10T23:30:00Z');
    assert.equal(localDate(instant, 'Etc/UTC'), '2026-05-10');
    assert.equal(localDate(instant, 'Asia/Tokyo'), '2026-05-11');
    assert.equal(localDate(new Date('2026-05-11T03:00:00Z'), 'America/New_York'), '2026-05-10');
  });

  test('a time in the spring-forward gap resolves to the instant after the jump; an overlap to the earlier one', () => {
    assert.equal(zonedToUtc({ year: 2026, month: 3, day: 29, hour: 2, minute: 30 }, 'Europe/Berlin').toISOString(), '2026-03-29T01:30:00.000Z');
    assert.equal(zonedToUtc({ year: 2026, month: 10, day: 25, hour: 2, minute: 30 }, 'Europe/Berlin').toISOString(), '2026-10-25T00:30:00.000Z');
  });

  test('datetime-local values round-trip through the zone and bad ones are refused', () => {
    const at = parseLocalDateTime('2026-07-02T00:00', 'Europe/Berlin')!;
    assert.equal(at.toISOString(), '2026-07-01T22:00:00.000Z');
    assert.equal(toLocalDateTimeValue(at, 'Europe/Berlin'), '2026-07-02T00:00');
    assert.equal(parseLocalDateTime('2026-13-01T00:00', 'Etc/UTC'), undefined);
    assert.equal(parseLocalDateTime('tomorrow', 'Etc/UTC'), undefined);
  });

  test('nextDate does calendar arithmetic across months and years', () => {
    assert.equal(nextDate('2026-02-28'), '2026-03-01');
    assert.equal(nextDate('2026-12-31'), '2027-01-01');
    assert.equal(nextDate('2026-03-01', -1), '2026-02-28');
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dateTime } from '../src/validation.js';

const parsed = (s: string) => {
  const result = dateTime.safeParse(s);
  return result.success ? result.data.toISOString() : `refused: ${result.error.issues[0]!.message}`;
};

describe('dateTime', () => {
  test('reads offsets, bare dates and missing offsets as UTC instants', () => {
    assert.equal(parsed('2026-03-05T04:00:00+02:00'), '2026-03-05T02:00:00.000Z');
    assert.equal(parsed('2026-03-05T04:00:00.123Z'), '2026-03-05T04:00:00.123Z');
    assert.equal(parsed('2026-03-05T04:00'), '2026-03-05T04:00:00.000Z');
    assert.equal(parsed('2026-03-05'), '2026-03-05T00:00:00.000Z');
  });

  test('refuses days and times that do not exist instead of rolling them over', () => {
    assert.match(parsed('2026-02-30T10:00:00Z'), /^refused: is not a real date and time/);
    assert.match(parsed('2026-02-29T12:00:00Z'), /^refused/);
    assert.equal(parsed('2028-02-29T12:00:00Z'), '2028-02-29T12:00:00.000Z');
    assert.match(parsed('2026-03-05T24:00:00Z'), /^refused/);
    assert.match(parsed('2026-13-01T00:00:00Z'), /^refused/);
  });

  test('refuses instants outside 1970–9999 that would not print as plain ISO-8601', () => {
    assert.match(parsed('0000-01-01T00:30:00+23:59'), /^refused: must be between the years 1970 and 9999/);
    assert.match(parsed('9999-12-31T23:59:59-01:00'), /^refused: must be between the years 1970 and 9999/);
  });
});

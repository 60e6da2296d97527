import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../src/config.js';

describe('loadConfig', () => {
  test('applies the documented defaults to an empty environment', () => {
    const config = loadConfig({});
    assert.equal(config.port, 3000);
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.databaseFile, './data/herald.db');
    assert.equal(config.publicUrl, 'http://localhost:3000');
    assert.equal(config.adminApiKey, undefined);
  });

  test('reads and coerces values; an empty value counts as unset', () => {
    const config = loadConfig({ PORT: '8080', PUBLIC_URL: 'https://status.example.com/', HOST: '', ADMIN_API_KEY: 'k'.repeat(20) });
    assert.equal(config.port, 8080);
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.publicUrl, 'https://status.example.com', 'trailing slash dropped');
    assert.equal(config.adminApiKey, 'k'.repeat(20));
  });

  const bad: Array<[Record<string, string>, RegExp]> = [
    [{ PORT: 'eighty' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ PUBLIC_URL: 'status.example.com' }, /PUBLIC_URL: must be an http\(s\) URL/],
    [{ PUBLIC_URL: 'javascript:alert(1)' }, /PUBLIC_URL/],
    [{ ADMIN_API_KEY: 'short' }, /ADMIN_API_KEY: must be at least 16 characters/],
    [{ SCHEDULER_INTERVAL_MS: '0' }, /SCHEDULER_INTERVAL_MS/],
    [{ MAX_BODY_BYTES: '10' }, /MAX_BODY_BYTES/],
  ];
  for (const [env, message] of bad) {
    test(`refuses ${JSON.stringify(env)} with a message naming the key`, () => {
      assert.throws(() => loadConfig(env), (error: unknown) => error instanceof ConfigError && message.test(error.message));
    });
  }

  test('names every bad key at once', () => {
    assert.throws(
      () => loadConfig({ PORT: 'x', PUBLIC_URL: 'nope' }),
      (error: unknown) => error instanceof ConfigError && /PORT/.test(error.message) && /PUBLIC_URL/.test(error.message),
    );
  });
});

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { createComponent, createIncident, startApp } from '../helpers/app.js';
import { manualClock } from '../helpers/clock.js';
import { tempDir } from '../helpers/db.js';
import { startWebhookReceiver } from '../helpers/webhook-receiver.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

function herald(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/main.ts'), ...args], { cwd: root, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('herald backup', () => {
  test('copies the database while the server serves and delivers; the copy passes integrity_check and holds the data', async (t) => {
    const dir = tempDir(t);
    const databaseFile = join(dir, 'live.db');
    const app = await startApp(t, { clock: manualClock(new Date()), env: { DATABASE_FILE: databaseFile, WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32' } });
    const receiver = await startWebhookReceiver(t);
    await app.api('POST', '/subscribers', { subscriber: { email: 'ops@example.com', endpoint: receiver.url } });
    const api = await createComponent(app, { name: 'API' });
    app.herald.worker.start();

    // Writes, reads and deliveries keep going while the backup runs in another process.
    let writing = true;
    let written = 0;
    const load = (async () => {
      while (writing) {
        await createIncident(app, { name: `Incident ${written}`, body: 'x', components: { [api.id]: written % 2 ? 'operational' : 'degraded_performance' } });
        await app.fetch('/api/v2/summary.json');
        written += 1;
      }
    })();
    const backupFile = join(dir, 'copy.db');
    const result = await herald(['backup', backupFile], { DATABASE_FILE: databaseFile });
    writing = false;
    await load;
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Backed up .*live\.db to .*copy\.db \(\d+ pages, \d+ bytes\); integrity check ok\./);
    assert.ok(written > 0, 'the server was writing during the backup');

    const copy = new Database(backupFile, { readonly: true });
    t.after(() => copy.close());
    assert.equal(copy.pragma('integrity_check', { simple: true }), 'ok');
    const count = (table: string) => (copy.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    assert.equal(count('pages'), 1);
    assert.equal(count('components'), 1);
    assert.equal(count('subscribers'), 1);
    assert.ok(count('incidents') >= 1, 'incidents written before the backup are in it');
    assert.ok(count('deliveries') >= 1);
  });

  test('refuses to overwrite a file unless --force, and names a missing file argument', async (t) => {
    const dir = tempDir(t);
    const env = { DATABASE_FILE: join(dir, 'h.db') };
    assert.equal((await herald(['migrate'], env)).code, 0);
    const file = join(dir, 'b.db');
    assert.equal((await herald(['backup', file], env)).code, 0);
    const again = await herald(['backup', file], env);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exists; choose another file or pass --force/);
    assert.equal((await herald(['backup', file, '--force'], env)).code, 0);
    const missing = await herald(['backup'], env);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /backup needs the file to write/);
  });
});

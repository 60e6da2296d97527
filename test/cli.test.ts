import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir } from './helpers/db.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = ['--import', 'tsx', join(root, 'src/main.ts')];

function herald(args: string[], env: Record<string, string>) {
  const result = spawnSync(process.execPath, [...cli, ...args], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts `herald serve` and resolves once it logs its URL. */
function serve(env: Record<string, string>) {
  const child = spawn(process.execPath, [...cli, 'serve'], { cwd: root, env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  const ready = new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (d) => {
      stderr += d;
      const url = /serving .* at (http:\/\/\S+)/.exec(stderr)?.[1];
      if (url) resolve(url);
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
  });
  const stop = () =>
    new Promise<number | null>((resolve) => {
      child.once('exit', (code) => resolve(code));
      child.kill('SIGTERM');
    });
  return { ready, stop, output: () => ({ stdout, stderr }) };
}

/** Logs in through the console's login form; returns the status of the form post (303 on success). */
async function consoleLogin(url: string, username: string, password: string): Promise<number> {
  const form = await fetch(`${url}/admin/login`);
  const cookie = form.headers.getSetCookie()[0]!.split(';')[0]!;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
  const res = await fetch(`${url}/admin/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, username, password }),
  });
  return res.status;
}

describe('herald CLI', () => {
  test('api-keys create prints a working key once; list shows it; revoke turns it off', async (t) => {
    const env = { DATABASE_FILE: join(tempDir(t), 'h.db') };
    const created = herald(['api-keys', 'create', '--name', 'deploy bot'], env);
    assert.equal(created.code, 0, created.stderr);
    const key = /(hk_[\w-]+)/.exec(created.stdout)?.[1];
    assert.ok(key, created.stdout);
    const id = /API key ([a-z0-9]{12})/.exec(created.stdout)?.[1]!;

    const listed = herald(['api-keys', 'list'], env);
    assert.match(listed.stdout, new RegExp(`${id}\\s+${key.slice(0, 7)}…\\s+active\\s+deploy bot`));
    assert.ok(!listed.stdout.includes(key), 'the full key is never shown again');

    const server = serve(env);
    t.after(() => server.stop());
    const url = await server.ready;
    const page = await fetch(`${url}/api/v1/pages`, { headers: { authorization: `OAuth ${key}` } });
    assert.equal(page.status, 200);

    const revoked = herald(['api-keys', 'revoke', id], env);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match(herald(['api-keys', 'list'], env).stdout, /revoked/);
    const after = await fetch(`${url}/api/v1/pages`, { headers: { authorization: `OAuth ${key}` } });
    assert.equal(after.status, 401);
    assert.equal(herald(['api-keys', 'revoke', id], env).code, 1, 'revoking twice is an error');
  });

  test('first start creates the page and prints a working admin key once; later starts do not', async (t) => {
    const env = { DATABASE_FILE: join(tempDir(t), 'nested', 'herald.db') };
    const first = serve(env);
    const url = await first.ready;
    const key = /(hk_[\w-]+)/.exec(first.output().stdout)?.[1];
    assert.ok(key, first.output().stdout);
    const html = await fetch(url);
    assert.equal(html.status, 200);
    assert.match(await html.text(), /All Systems Operational/);
    const pages = await fetch(`${url}/api/v1/pages`, { headers: { authorization: `Bearer ${key}` } });
    assert.equal(pages.status, 200);
    const password = /user "admin", password shown only this once:\n\n\s+(\S+)/.exec(first.output().stdout)?.[1];
    assert.ok(password, first.output().stdout);
    assert.equal(await consoleLogin(url, 'admin', password), 303, 'the printed password logs in to the console');
    assert.equal(await consoleLogin(url, 'admin', `${password}x`), 401);
    const firstExit = await first.stop();
    assert.equal(firstExit, 0, `SIGTERM exits 0; stderr: ${first.output().stderr}`);

    const second = serve(env);
    await second.ready;
    assert.ok(!/hk_/.test(second.output().stdout), 'no key printed on a later start');
    assert.ok(!/password/.test(second.output().stdout), 'no password printed on a later start');
    assert.equal(await second.stop(), 0);
  });

  test('a bad configuration value stops the start with a message naming the key', (t) => {
    const result = herald(['serve'], { DATABASE_FILE: join(tempDir(t), 'h.db'), PORT: 'not-a-port' });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /Invalid configuration:\n\s+PORT:/);
  });

  test('migrate creates and migrates the database; unknown commands explain usage', (t) => {
    const env = { DATABASE_FILE: join(tempDir(t), 'h.db') };
    const migrated = herald(['migrate'], env);
    assert.equal(migrated.code, 0, migrated.stderr);
    assert.match(migrated.stdout, /is migrated/);
    const unknown = herald(['frobnicate'], env);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /unknown command "frobnicate"/);
    assert.match(unknown.stderr, /Usage: herald/);
  });
});

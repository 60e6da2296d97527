import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { listAuditLog } from '../../src/admin/audit-log.js';
import { openDb } from '../../src/db/client.js';
import { findAdminUser } from '../../src/admin/internal.js';
import { verifyPassword } from '../../src/admin/password.js';
import { tempDir } from '../helpers/db.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

function setPassword(args: string[], input: string, databaseFile: string) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/main.ts'), 'admin', 'set-password', ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_FILE: databaseFile },
    input,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('herald admin set-password', () => {
  test('reads the password from stdin, creates or updates the user and records it in the audit log', async (t) => {
    const file = join(tempDir(t), 'h.db');
    const created = setPassword(['--username', 'Ops'], 'correct horse battery\n', file);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /Created console user "ops"/);
    const updated = setPassword([], 'another long passphrase\n', file);
    assert.equal(updated.code, 0, updated.stderr);
    assert.match(updated.stdout, /Created console user "admin"/);
    const again = setPassword(['--username', 'ops'], 'a third passphrase', file);
    assert.match(again.stdout, /Updated console user "ops"/);

    const db = openDb(file);
    t.after(() => db.$client.close());
    assert.equal(await verifyPassword('a third passphrase', findAdminUser(db, 'ops')?.passwordHash), true);
    assert.equal(await verifyPassword('correct horse battery', findAdminUser(db, 'ops')?.passwordHash), false);
    assert.equal(await verifyPassword('another long passphrase', findAdminUser(db, 'admin')?.passwordHash), true);
    assert.deepEqual(listAuditLog(db, { limit: 10, offset: 0 }).map((r) => `${r.actor} ${r.action} ${r.targetId}`), [
      'cli admin_user.set_password ops',
      'cli admin_user.set_password admin',
      'cli admin_user.set_password ops',
    ]);
  });

  test('refuses a password under 12 characters with a clear message and changes nothing', (t) => {
    const file = join(tempDir(t), 'h.db');
    const result = setPassword([], 'too short\n', file);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /herald: the password must be at least 12 characters; nothing was changed/);
    assert.equal(setPassword([], '', file).code, 1, 'an empty stdin is refused too');
  });
});

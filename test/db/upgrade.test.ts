import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { migrationsFolder } from '../../src/db/migrate.js';
import { openDb } from '../../src/db/client.js';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { startApp } from '../helpers/app.js';
import { tempDir } from '../helpers/db.js';

/** A migrations folder holding only the first migration, as the first release shipped it. */
function firstMigrationSet(dir: string): string {
  const folder = join(dir, 'drizzle-v1');
  mkdirSync(join(folder, 'meta'), { recursive: true });
  const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta/_journal.json'), 'utf8'));
  const first = journal.entries[0];
  writeFileSync(join(folder, 'meta/_journal.json'), JSON.stringify({ ...journal, entries: [first] }));
  copyFileSync(join(migrationsFolder, `${first.tag}.sql`), join(folder, `${first.tag}.sql`));
  return folder;
}

describe('upgrading the database', () => {
  test('a database made by the first migration set migrates to the current schema with its data intact', async (t) => {
    const dir = tempDir(t);
    const file = join(dir, 'herald.db');
    const old = openDb(file);
    migrate(old, { migrationsFolder: firstMigrationSet(dir) });
    const at = Date.parse('2026-01-10T09:00:00Z');
    const sql = old.$client;
    sql.prepare(`INSERT INTO pages (id, name, time_zone, created_at, updated_at) VALUES ('pageaaaaaaaa', 'Old Page', 'Europe/Berlin', ?, ?)`).run(at, at);
    sql.prepare(`INSERT INTO components (id, page_id, name, status, position, created_at, updated_at) VALUES ('compaaaaaaaa', 'pageaaaaaaaa', 'API', 'partial_outage', 1, ?, ?)`).run(at, at);
    sql.prepare(`INSERT INTO incidents (id, page_id, name, status, peak_impact, created_at, updated_at, started_at) VALUES ('inciaaaaaaaa', 'pageaaaaaaaa', 'Old outage', 'identified', 'major', ?, ?, ?)`).run(at, at, at);
    sql.prepare(`INSERT INTO incident_components (incident_id, component_id) VALUES ('inciaaaaaaaa', 'compaaaaaaaa')`).run();
    sql.prepare(`INSERT INTO incident_updates (id, incident_id, seq, status, body, created_at, updated_at, display_at, deliver_notifications) VALUES ('updtaaaaaaaa', 'inciaaaaaaaa', 1, 'identified', 'Cause found', ?, ?, ?, 1)`).run(at, at, at);
    sql.prepare(`INSERT INTO api_keys (id, name, key_hash, key_prefix, created_at) VALUES ('keyaaaaaaaaa', 'old', 'abc', 'hk_abcd', ?)`).run(at);
    const tablesBefore = sql.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all().length;
    old.$client.close();

    const app = await startApp(t, { env: { DATABASE_FILE: file } });
    assert.equal(app.pageId, 'pageaaaaaaaa', 'the existing page is kept, not recreated');
    assert.equal(app.herald.bootstrap.firstAdminKey, undefined, 'no first-start key on an existing page');

    const summary = (await (await app.fetch('/api/v2/summary.json')).json()) as any;
    assert.equal(summary.page.name, 'Old Page');
    assert.equal(summary.page.time_zone, 'Europe/Berlin');
    assert.deepEqual(summary.status, { indicator: 'major', description: 'Partial System Outage' });
    assert.equal(summary.incidents[0].name, 'Old outage');
    assert.equal(summary.incidents[0].incident_updates[0].body, 'Cause found');
    assert.equal(summary.incidents[0].components[0].id, 'compaaaaaaaa');

    const db = new Database(file, { readonly: true });
    t.after(() => db.close());
    const tablesAfter = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all().length;
    assert.ok(tablesAfter > tablesBefore, 'later migrations added their tables');
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    assert.deepEqual(db.pragma('foreign_key_check'), []);
  });
});

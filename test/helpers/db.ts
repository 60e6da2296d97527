import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { openDb, type Db } from '../../src/db/client.js';
import { migrateDb } from '../../src/db/migrate.js';

/** A fresh folder removed after the test. */
export function tempDir(t: TestContext, prefix = 'herald-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A fresh SQLite file with the real migrations applied, closed after the test. */
export function createTestDb(t: TestContext): { db: Db; file: string } {
  const file = join(tempDir(t), 'test.sqlite');
  const db = openDb(file);
  migrateDb(db);
  t.after(() => db.$client.close());
  return { db, file };
}

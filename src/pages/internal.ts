import { eq } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { pages } from '../db/schema/index.js';
import { AppError, NotFoundError } from '../errors.js';

export type PageRow = typeof pages.$inferSelect;

/** The instance's page. Throws if first start has not created it yet. */
export function getPage(db: Db | Tx): PageRow {
  const page = db.select().from(pages).limit(1).get();
  if (!page) throw new AppError('internal', 'the page has not been created yet; start the server once');
  return page;
}

/** The page, if `pageId` names it: Statuspage clients always send the id in the path. */
export function getPageOrThrow(db: Db | Tx, pageId: string): PageRow {
  const page = db.select().from(pages).where(eq(pages.id, pageId)).get();
  if (!page) throw new NotFoundError('page', pageId);
  return page;
}

import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';

/** `column LIKE %q%` where `%`, `_` and `\` in q are literal characters, not patterns. */
export function containsText(column: SQLWrapper, q: string): SQL {
  const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql`${column} LIKE ${pattern} ESCAPE '\\'`;
}

import { integer } from 'drizzle-orm/sqlite-core';

/** Times are stored as UTC epoch milliseconds; retry tests need sub-second precision. */
export const timestamp = (name: string) => integer(name, { mode: 'timestamp_ms' });
export const flag = (name: string) => integer(name, { mode: 'boolean' });

import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const positiveMs = z.coerce.number().int().min(1);

const schema = z.object({
  PORT: port.default(3000).describe('TCP port the HTTP server listens on'),
  HOST: z.string().min(1).default('0.0.0.0').describe('Interface to bind; 127.0.0.1 keeps Herald local'),
  DATABASE_FILE: z.string().min(1).default('./data/herald.db').describe('SQLite database file, created on first start'),
  PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://status.example.com' })
    .optional()
    .describe('Public base URL of the status page, used in links; default http://localhost:PORT'),
  ADMIN_API_KEY: z
    .string()
    .min(16, 'must be at least 16 characters')
    .optional()
    .describe('Extra manage-API key accepted as-is, for automation'),
  PAGE_NAME: z.string().min(1).max(255).default('Status').describe('Name of the page created on first start'),
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(512 * 1024).describe('Largest request body accepted'),
  SCHEDULER_INTERVAL_MS: positiveMs.default(2000).describe('How often due maintenance transitions are applied'),
});

export interface Config {
  port: number;
  host: string;
  databaseFile: string;
  publicUrl: string;
  adminApiKey: string | undefined;
  pageName: string;
  maxBodyBytes: number;
  schedulerIntervalMs: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads and validates the environment. Throws a ConfigError naming every bad key. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  // An empty variable means "unset", as in most twelve-factor tools.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  return {
    port: c.PORT,
    host: c.HOST,
    databaseFile: c.DATABASE_FILE,
    publicUrl: (c.PUBLIC_URL ?? `http://localhost:${c.PORT}`).replace(/\/+$/, ''),
    adminApiKey: c.ADMIN_API_KEY,
    pageName: c.PAGE_NAME,
    maxBodyBytes: c.MAX_BODY_BYTES,
    schedulerIntervalMs: c.SCHEDULER_INTERVAL_MS,
  };
}

/** The documented settings, for the README table and `herald config`. */
export const configDocs = Object.entries(schema.shape).map(([key, field]) => ({ key, description: field.description ?? '' }));

#!/usr/bin/env node
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { setAdminPassword } from './admin/set-password.js';
import { minPasswordLength } from './admin/schemas.js';
import { createApiKey } from './api-keys/create-api-key.js';
import { listApiKeys, revokeApiKey } from './api-keys/manage-api-keys.js';
import { systemClock } from './clock.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { openDb } from './db/client.js';
import { migrateDb } from './db/migrate.js';
import { backupDatabase } from './db/backup.js';
import { AppError } from './errors.js';
import { createHerald } from './herald.js';
import { createLogger } from './logger.js';

const usage = `Usage: herald <command>

Commands:
  serve                         start the status page server (default)
  migrate                       apply database migrations and exit
  api-keys create --name NAME   create a manage-API key; it is printed once
  api-keys list                 list keys (id, prefix, name, state)
  api-keys revoke ID|PREFIX     revoke a key
  admin set-password [--username NAME]
                                set a console user's password (read from stdin; default user admin)
  backup FILE [--force]         copy the database to FILE while the server runs, and verify the copy

Configuration comes from environment variables; see README.md.`;

const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

async function serve(config: Config): Promise<void> {
  const logger = createLogger();
  const herald = createHerald({ config, logger });

  // Registered before listening: a supervisor may signal as soon as the port is open.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal} received; finishing in-flight requests`);
    // A stuck client must not keep the process alive forever.
    const deadline = setTimeout(() => {
      logger.error('shutdown took longer than 10 s; exiting');
      process.exit(1);
    }, 10_000);
    deadline.unref();
    herald.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('shutdown failed', { error: String(error) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  const url = await herald.listen();
  const { page, firstAdminKey, firstAdmin } = herald.bootstrap;
  if (firstAdminKey) {
    out(`Created the page "${page.name}" (id ${page.id}).`);
    out(`Admin API key, shown only this once; store it now:\n\n    ${firstAdminKey.key}\n`);
    out(`Try: curl -H "Authorization: OAuth ${firstAdminKey.key}" ${url}/api/v1/pages/${page.id}`);
  }
  if (firstAdmin) {
    out(`Admin console: ${url}/admin  user "${firstAdmin.username}", password shown only this once:\n\n    ${firstAdmin.password}\n`);
    out('Change it with: herald admin set-password');
  }
  herald.scheduler.start();
  herald.worker.start();
  logger.info(`Herald is serving "${page.name}" at ${url} (page id ${page.id}, database ${config.databaseFile})`);
}

/** The new password: typed at a hidden prompt on a terminal, otherwise the first line of stdin. */
async function readPassword(): Promise<string> {
  const tty = process.stdin.isTTY === true;
  let muted = false;
  const echo = new Writable({
    write(chunk, _encoding, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const lines = createInterface({ input: process.stdin, output: tty ? echo : undefined, terminal: tty });
  try {
    if (tty) process.stderr.write('New password: ');
    muted = tty;
    for await (const line of lines) return line;
    return '';
  } finally {
    if (tty) process.stderr.write('\n');
    lines.close();
  }
}

async function setPassword(config: Config, username: string): Promise<void> {
  const password = await readPassword();
  if (password.length < minPasswordLength) {
    throw new AppError('validation', `the password must be at least ${minPasswordLength} characters; nothing was changed`);
  }
  const db = openDb(config.databaseFile);
  try {
    migrateDb(db);
    const { user, created } = await setAdminPassword(db, systemClock, { username, password });
    out(`${created ? 'Created' : 'Updated'} console user "${user.username}"; its other sessions are logged out.`);
  } finally {
    db.$client.close();
  }
}

function withDb<T>(config: Config, fn: (db: ReturnType<typeof openDb>) => T): T {
  const db = openDb(config.databaseFile);
  try {
    migrateDb(db);
    return fn(db);
  } finally {
    db.$client.close();
  }
}

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { name: { type: 'string' }, username: { type: 'string' }, force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  const [command = 'serve', sub, arg] = positionals;
  if (values.help || command === 'help') return out(usage);
  const config = loadConfig(process.env);

  switch (command) {
    case 'serve':
      return serve(config);
    case 'migrate':
      withDb(config, () => out(`Database ${config.databaseFile} is migrated.`));
      return;
    case 'backup': {
      if (!sub) throw new AppError('validation', 'backup needs the file to write, e.g. herald backup ./herald-backup.db');
      const db = openDb(config.databaseFile);
      try {
        const result = await backupDatabase(db, sub, { overwrite: values.force ?? false });
        out(`Backed up ${config.databaseFile} to ${result.file} (${result.pages} pages, ${result.bytes} bytes); integrity check ok.`);
      } catch (error) {
        throw new AppError('validation', `backup failed: ${(error as Error).message}`);
      } finally {
        db.$client.close();
      }
      return;
    }
    case 'api-keys':
      return withDb(config, (db) => {
        if (sub === 'create') {
          if (!values.name) throw new AppError('validation', 'api-keys create needs --name NAME');
          const { row, key } = createApiKey(db, systemClock, values.name);
          out(`Created API key ${row.id} "${row.name}". It is shown only this once:\n\n    ${key}\n`);
        } else if (sub === 'list') {
          const rows = listApiKeys(db);
          if (rows.length === 0) out('No API keys.');
          for (const row of rows) {
            const state = row.revokedAt ? `revoked ${row.revokedAt.toISOString()}` : 'active';
            out(`${row.id}  ${row.keyPrefix}…  ${state.padEnd(32)}  ${row.name}`);
          }
        } else if (sub === 'revoke') {
          if (!arg) throw new AppError('validation', 'api-keys revoke needs the key id or prefix');
          const row = revokeApiKey(db, systemClock, arg);
          out(`Revoked API key ${row.id} "${row.name}".`);
        } else {
          throw new AppError('validation', `unknown api-keys command ${JSON.stringify(sub ?? '')}\n\n${usage}`);
        }
      });
    case 'admin':
      if (sub !== 'set-password') throw new AppError('validation', `unknown admin command ${JSON.stringify(sub ?? '')}\n\n${usage}`);
      return setPassword(config, values.username ?? 'admin');
    default:
      throw new AppError('validation', `unknown command ${JSON.stringify(command)}\n\n${usage}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const known = error instanceof ConfigError || error instanceof AppError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  process.stderr.write(`herald: ${known ? (error as Error).message : String((error as Error).stack ?? error)}\n`);
  process.exit(1);
});

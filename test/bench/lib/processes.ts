import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const projectRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface Child {
  name: string;
  process: ChildProcess;
  /** The last ~64 KB of stdout and stderr together, for error messages. */
  output(): string;
  /** Resolves with the first match of `pattern` in the output; rejects if the child exits or time runs out. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** SIGTERM, then SIGKILL if it has not exited after a few seconds. */
  stop(): Promise<void>;
}

export interface SpawnOptions {
  env?: Record<string, string>;
  /** Written to the child's stdin, which is then closed. */
  input?: string;
  /** Runs once the child has exited (or at the latest when this process exits), e.g. to remove a temp dir. */
  cleanup?: () => void;
  /** Plain JavaScript (the built server) needs no TypeScript loader. */
  typescript?: boolean;
}

const running = new Set<{ child: Child; cleanup: (() => void) | undefined }>();
const outputLimit = 64 * 1024;

/** Starts `node --import tsx <args>` from the project root, the same way `npm run` scripts do. */
export function spawnNode(name: string, args: string[], options: SpawnOptions = {}): Child {
  const proc = spawn(process.execPath, [...(options.typescript === false ? [] : ['--import', 'tsx']), ...args], {
    cwd: projectRoot,
    env: { ...process.env, ...options.env },
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-outputLimit);
    for (const listener of listeners) listener();
  };
  // Always drained: a child blocks once a pipe it writes to is full.
  proc.stdout?.on('data', onData);
  proc.stderr?.on('data', onData);
  if (options.input !== undefined) proc.stdin?.end(options.input);

  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const hasExited = () => proc.exitCode !== null || proc.signalCode !== null;
  const child: Child = {
    name,
    process: proc,
    output: () => output,
    waitFor(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const done = (error?: Error, match?: RegExpMatchArray) => {
          listeners.delete(check);
          clearTimeout(timer);
          proc.off('exit', onExit);
          if (match) resolve(match);
          else reject(error);
        };
        const check = () => {
          const match = output.match(pattern);
          if (match) done(undefined, match);
        };
        const fail = (why: string) => done(new Error(`${name} ${why} before printing ${pattern}. Its output:\n${output.trimEnd()}`));
        const onExit = () => fail(`exited (code ${proc.exitCode}, signal ${proc.signalCode})`);
        const timer = setTimeout(() => fail(`took over ${timeoutMs} ms`), timeoutMs);
        listeners.add(check);
        proc.once('exit', onExit);
        check();
        if (hasExited()) onExit();
      });
    },
    async stop() {
      if (hasExited()) return exited;
      proc.kill('SIGTERM');
      const killer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    },
  };
  const entry = { child, cleanup: options.cleanup };
  running.add(entry);
  void exited.then(() => {
    running.delete(entry);
    entry.cleanup?.();
  });
  return child;
}

/** Stops every child still running. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map(({ child }) => child.stop()));
}

// Last resort when the runner exits without stopAll (uncaught error, process.exit): no child outlives it.
process.on('exit', () => {
  for (const { child, cleanup } of running) {
    child.process.kill('SIGKILL');
    cleanup?.();
  }
});

// Runs the benchmarks in test/bench/ (every `*.ts` here except this file) and prints their
// results. `npm run bench` runs all; `npm run bench -- read-path` only the ones named.
// Targets report, they do not gate: the exit code is non-zero only when the harness failed
// or a benchmark's figures are invalid (errors, non-2xx answers).
import { readdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { stopLoad } from './lib/load.js';
import { stopAll } from './lib/processes.js';
import { formatReport, verdict, type Reported } from './lib/report.js';
import type { Benchmark } from './lib/types.js';

const here = dirname(fileURLToPath(import.meta.url));
const log = (line: string) => process.stderr.write(`  · ${line}\n`);

async function loadBenchmarks(): Promise<Benchmark[]> {
  const files = readdirSync(here)
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts') && file !== 'run.ts')
    .sort();
  const benchmarks: Benchmark[] = [];
  for (const file of files) {
    const mod = (await import(pathToFileURL(join(here, file)).href)) as { benchmark?: Benchmark };
    if (!mod.benchmark) throw new Error(`test/bench/${file} exports no \`benchmark\``);
    benchmarks.push(mod.benchmark);
  }
  return benchmarks;
}

function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} exceeded its budget of ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    process.stderr.write(`\n${signal}: stopping child processes\n`);
    stopLoad();
    // Bounded: stop() escalates to SIGKILL after 5 s.
    void stopAll().finally(() => process.exit(130));
  });
}

async function main(): Promise<number> {
  const all = await loadBenchmarks();
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !all.some((b) => b.name === name));
  if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(', ')}; known: ${all.map((b) => b.name).join(', ')}`);
  const selected = wanted.length > 0 ? all.filter((b) => wanted.includes(b.name)) : all;

  // Other work on the machine is the main source of noise; say how busy it was before we started.
  const [busy] = loadavg();
  const machine = `load average ${busy!.toFixed(2)} on ${cpus().length} cores before the run`;
  process.stderr.write(`${machine}\n`);

  const results: Reported[] = [];
  const failures: string[] = [];
  for (const bench of selected) {
    process.stderr.write(`${bench.name}: ${bench.description}\n`);
    const started = Date.now();
    try {
      const outcomes = await withDeadline(bench.run({ log }), bench.budgetMs, bench.name);
      results.push(...outcomes.map((outcome) => ({ benchmark: bench.name, outcome })));
    } catch (error) {
      failures.push(`${bench.name}: ${error instanceof Error ? error.message : String(error)}`);
      stopLoad();
    } finally {
      await stopAll();
    }
    log(`${bench.name} took ${((Date.now() - started) / 1000).toFixed(0)} s`);
    if (interrupted) return 130;
  }

  if (results.length > 0) process.stdout.write(`\n${formatReport(results)}\n\n(${machine}; latency has 1 ms resolution)\n`);
  for (const failure of failures) process.stderr.write(`\nHARNESS FAILURE ${failure}\n`);
  const invalid = results.some(({ outcome }) => verdict(outcome) === 'INVALID');
  return failures.length > 0 || invalid ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  async (error: unknown) => {
    process.stderr.write(`bench harness failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    await stopAll();
    process.exit(1);
  },
);

import type { Limit, Measurement, Outcome, Target } from './types.js';

export interface Reported {
  benchmark: string;
  outcome: Outcome;
}

export type Verdict = 'PASS' | 'FAIL' | 'INVALID' | 'INFO';

// Small figures (latencies in ms) keep a decimal; rounding 2.4 ms to 2 would hide most of it.
const count = (n: number) => (Math.abs(n) < 10 && !Number.isInteger(n) ? n.toFixed(1) : Math.round(n).toLocaleString('en-US'));
const rate = (m: Measurement) => `${count(m.rate)} ${m.unit}`;
const percent = (ratio: number) => `${(ratio * 100).toFixed(1)} %`;

export function ratioOf(outcome: Outcome): number | undefined {
  return outcome.baseline ? outcome.subject.rate / outcome.baseline.rate : undefined;
}

const withinLimit = (limit: Limit) => limit.value <= limit.max;

export function verdict(outcome: Outcome): Verdict {
  if (outcome.invalid) return 'INVALID';
  const { minRatio, maxP99Ms } = outcome.target;
  const limits = outcome.limits ?? [];
  if (minRatio === undefined && maxP99Ms === undefined && limits.length === 0) return 'INFO';
  const ratio = ratioOf(outcome);
  const ratioOk = minRatio === undefined || (ratio !== undefined && ratio >= minRatio);
  const p99Ok = maxP99Ms === undefined || outcome.subject.p99Ms <= maxP99Ms;
  return ratioOk && p99Ok && limits.every(withinLimit) ? 'PASS' : 'FAIL';
}

export function describeTarget(target: Target, limits: readonly Limit[] = []): string {
  const parts: string[] = [];
  if (target.minRatio !== undefined) parts.push(`≥ ${(target.minRatio * 100).toFixed(0)} %`);
  if (target.maxP99Ms !== undefined) parts.push(`p99 ≤ ${target.maxP99Ms} ms`);
  for (const limit of limits) parts.push(`${limit.name} ≤ ${count(limit.max)} ${limit.unit}`);
  return parts.join(', ') || '—';
}

const describeLimit = (limit: Limit) =>
  `${limit.name} ${count(limit.value)} ${limit.unit} (limit ${count(limit.max)} ${limit.unit}) ${withinLimit(limit) ? 'within' : 'EXCEEDED'}`;

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  const line = (row: string[]) => row.map((cell, col) => cell.padEnd(widths[col]!)).join('  ').trimEnd();
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

/** The results table, then one self-contained sentence per case (easy to paste into an issue). */
export function formatReport(results: Reported[]): string {
  const header = ['benchmark', 'case', 'herald', 'p99', 'baseline', 'p99', 'ratio', 'target', 'result'];
  const rows = results.map(({ benchmark, outcome: o }) => {
    const ratio = ratioOf(o);
    return [
      benchmark,
      o.name,
      rate(o.subject),
      `${o.subject.p99Ms} ms`,
      o.baseline ? `${o.baseline.label} ${rate(o.baseline)}` : '—',
      o.baseline ? `${o.baseline.p99Ms} ms` : '—',
      ratio === undefined ? '—' : percent(ratio),
      describeTarget(o.target, o.limits),
      verdict(o),
    ];
  });
  const details = results.flatMap(({ benchmark, outcome: o }) => {
    const rounds = (m: Measurement) => `${m.label} ${m.roundRates.map(count).join(' / ')} (p99 ${m.roundP99s.join(' / ')} ms)`;
    const lines = [`${benchmark} ${o.name}: rounds ${[o.subject, o.baseline].filter((m) => m !== undefined).map(rounds).join('; ')}`];
    for (const limit of o.limits ?? []) lines.push(`  ${describeLimit(limit)}`);
    for (const note of o.notes) lines.push(`  ${note}`);
    if (o.invalid) lines.push(`  INVALID: ${o.invalid}`);
    return lines;
  });
  const sentences = results.map(({ benchmark, outcome: o }) => {
    const ratio = ratioOf(o);
    const versus = o.baseline ? ` vs ${o.baseline.label} ${rate(o.baseline)} (p99 ${o.baseline.p99Ms} ms)` : '';
    const share = ratio === undefined ? '' : ` → ${percent(ratio)}`;
    return `${benchmark} ${o.name}: ${o.subject.label} ${rate(o.subject)} (p99 ${o.subject.p99Ms} ms)${versus}${share} (target ${describeTarget(o.target, o.limits)}) ${verdict(o)}`;
  });
  return [table([header, ...rows]), '', ...details, '', ...sentences].join('\n');
}

/** One load target's figures: a median over rounds, with the rounds kept for the report. */
export interface Measurement {
  label: string;
  /** Median requests (or deliveries, …) per second. */
  rate: number;
  unit: string;
  /** Median of the rounds' p99 latencies, in ms. */
  p99Ms: number;
  roundRates: number[];
  roundP99s: number[];
}

export interface Target {
  /** Least acceptable subject/baseline rate ratio, e.g. 0.7. */
  minRatio?: number;
  maxP99Ms?: number;
}

/** A ceiling besides the target's ratio and p99 that the subject must stay under, e.g. peak memory. */
export interface Limit {
  name: string;
  value: number;
  max: number;
  unit: string;
}

/** One case of a benchmark: Herald (subject) measured against what it is compared with (baseline). */
export interface Outcome {
  name: string;
  subject: Measurement;
  baseline?: Measurement;
  target: Target;
  /** Further ceilings; any one exceeded fails the case. */
  limits?: Limit[];
  notes: string[];
  /** Set when the figures do not measure what they claim (errors, non-2xx, changed bytes). */
  invalid?: string;
}

export interface BenchContext {
  /** Progress line on stderr, so the results on stdout stay a clean table. */
  log(line: string): void;
}

/**
 * A module in test/bench/ (any `*.ts` besides run.ts) exports `benchmark`. Child processes
 * started through lib/processes.ts are stopped by the runner when `run` settles.
 */
export interface Benchmark {
  name: string;
  description: string;
  /** Hard limit for the whole benchmark, startup included. */
  budgetMs: number;
  run(ctx: BenchContext): Promise<Outcome[]>;
}

/**
 * Every public and manage endpoint, fuzzed with generated bodies, query strings, headers and
 * path parameters: no 5xx, no crash, and afterwards integrity_check is ok, foreign_key_check is
 * empty and the public JSON validates. One app per endpoint group; see endpoints.ts.
 *
 * FUZZ_RUNS (cases per endpoint), FUZZ_SEED and FUZZ_ONLY (a part of an endpoint's name) override.
 */
import { defineFuzzSuite, fuzzOptionsFromEnv } from './endpoints.js';

const defaultRuns = 200;
const defaultSeed = 20_260_302;

defineFuzzSuite(fuzzOptionsFromEnv({ runs: defaultRuns, seed: defaultSeed }));

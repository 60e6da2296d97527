/**
 * The fuzz properties of test/fuzz/api-fuzz.test.ts with three times the cases per endpoint and
 * another seed, for `npm run test:long`; about three minutes on an idle core.
 *
 * FUZZ_RUNS (cases per endpoint), FUZZ_SEED and FUZZ_ONLY (a part of an endpoint's name) override.
 */
import { defineFuzzSuite, fuzzOptionsFromEnv } from '../fuzz/endpoints.js';

const longRuns = 600;
const longSeed = 20_260_303;

defineFuzzSuite(fuzzOptionsFromEnv({ runs: longRuns, seed: longSeed }));

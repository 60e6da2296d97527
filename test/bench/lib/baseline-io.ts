/** What a baseline child process reports on stdout as `result <json>`. */
export interface BaselineResult {
  durationMs: number;
  ok: number;
  failed: number;
  p99Ms: number;
}

/** The child's input: one JSON document on stdin. */
export async function readStdinJson<T>(): Promise<T> {
  let raw = '';
  for await (const chunk of process.stdin) raw += chunk;
  return JSON.parse(raw) as T;
}

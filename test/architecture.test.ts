import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const src = fileURLToPath(new URL('../src', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const files = sourceFiles(src).map((path) => ({ path: relative(src, path), text: readFileSync(path, 'utf8') }));
const importsOf = (text: string) => [...text.matchAll(/from '([^']+)'/g)].map((m) => m[1]!);

describe('architecture', () => {
  test('only src/http imports express', () => {
    const offenders = files.filter((f) => importsOf(f.text).includes('express') && !f.path.startsWith('http/'));
    assert.deepEqual(offenders.map((f) => f.path), []);
  });

  test('domain folders never import the HTTP layer', () => {
    const domain = ['incidents/', 'components/', 'pages/', 'events/', 'maintenance/', 'status/', 'api-keys/', 'public/'];
    const offenders = files.filter(
      (f) => domain.some((d) => f.path.startsWith(d)) && importsOf(f.text).some((i) => i.includes('/http/')),
    );
    assert.deepEqual(offenders.map((f) => f.path), []);
  });

  test('only main.ts reads the environment, writes to stdout or exits the process', () => {
    const offenders = files.filter((f) => f.path !== 'main.ts' && /process\.(env|exit)|console\.log/.test(f.text));
    assert.deepEqual(offenders.map((f) => f.path), []);
  });

  test('source files stay small enough to read in one sitting', () => {
    const large = files.filter((f) => f.text.split('\n').length > 300).map((f) => f.path);
    assert.deepEqual(large, []);
  });
});

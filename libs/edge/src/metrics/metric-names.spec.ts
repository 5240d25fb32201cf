import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { METRIC_NAMES } from './metric-names';

const ROOT = join(__dirname, '..', '..', '..', '..');
const CATALOGUE = join(__dirname, 'metric-names.ts');

/** The TypeScript sources of the services and libraries (their tests may name metrics: they check what is exported). */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sources(path);
    return /\.ts$/.test(e.name) && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(e.name) ? [path] : [];
  });
}

describe('metric names', () => {
  it('are unique and follow Prometheus naming', () => {
    const names = Object.values(METRIC_NAMES);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^[a-z_][a-z0-9_]*$/);
  });

  it('are written only in the catalogue: no metric name as a literal in apps/, libs/ or scripts/', () => {
    // `chanjiao_auth` is the keys database's name, not a metric.
    const literal = new RegExp(`chanjiao_(?!auth\\b)\\w+|${Object.values(METRIC_NAMES).join('|')}`);
    const offenders = ['apps', 'libs', 'scripts']
      .flatMap((d) => sources(join(ROOT, d)))
      .filter((f) => f !== CATALOGUE)
      .flatMap((f) =>
        readFileSync(f, 'utf8')
          .split('\n')
          .map((line, i) => ({ line, at: `${relative(ROOT, f)}:${i + 1}` }))
          .filter(({ line }) => literal.test(line))
          .map(({ at, line }) => `${at}: ${line.trim()}`),
      );
    expect(offenders).toEqual([]);
  });
});

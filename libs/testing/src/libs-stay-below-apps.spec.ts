import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

// Libraries sit below apps: a lib, its tests included, must load without any app, script or the whole-stack test
// support (which boots apps), so a lib's test runs and fails on the lib alone. Read as text, transitively through
// relative imports (aliases of other libs are libs, checked on their own).
const ROOT = resolve(__dirname, '../../..');
const OUTSIDE = ['apps', 'scripts', 'bench', join('test', 'support')];

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

function reachesOutside(file: string, text = readFileSync(file, 'utf8')): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/\bfrom\s+'([^']+)'|\bimport\s*\(\s*'([^']+)'|\brequire\(\s*'([^']+)'\s*\)/g)) {
    const spec = m[1] ?? m[2] ?? m[3]!;
    if (spec === '@chanjiao/test-support') found.push(`${relative(ROOT, file)}: ${spec}`);
    if (!spec.startsWith('.')) continue;
    const target = relative(ROOT, resolve(file, '..', spec));
    if (OUTSIDE.some((o) => target === o || target.startsWith(`${o}/`))) found.push(`${relative(ROOT, file)}: ${spec}`);
  }
  return found;
}

describe('libs stay below apps', () => {
  const files = tsFiles(join(ROOT, 'libs'));

  it('reads the libraries (a guard over no files would pass for nothing)', () => {
    expect(files.length).toBeGreaterThan(100);
  });

  it('no lib file, test or not, imports an app, a script, bench or the stack test support', () => {
    expect(files.flatMap((f) => reachesOutside(f))).toEqual([]);
  });

  it('finds such an import when there is one', () => {
    const file = join(ROOT, 'libs', 'messaging', 'src', 'planted.int-spec.ts');
    const text = ['import { startStack } from ', "'@chanjiao/test-support';\n", 'import { APPS } from ', "'../../../scripts/apps';\n"].join(
      '',
    );
    expect(reachesOutside(file, text)).toEqual([
      'libs/messaging/src/planted.int-spec.ts: @chanjiao/test-support',
      'libs/messaging/src/planted.int-spec.ts: ../../../scripts/apps',
    ]);
  });
});

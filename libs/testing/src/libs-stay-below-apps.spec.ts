import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

// Libraries sit below apps: a lib, its tests included, must load without any app, script or the whole-stack test
// support (which boots apps), so a lib's test runs and fails on the lib alone. Read as text, transitively through
// relative imports (aliases of other libs are libs, checked on their own).
const ROOT = resolve(__dirname, '../../..');
const OUTSIDE = ['apps', 'scripts', 'bench', join('test', 'support')];

/**
 * The libs by concern, bottom up: a lib imports only libs of the layers below its own, so the graph has no cycle and a
 * concern's lib never loads the ones built on it. Tests of a lib may also use `testing` (test support, on top).
 */
const LAYERS: readonly (readonly string[])[] = [
  ['contracts'],
  ['domain'],
  ['config'],
  ['persistence'],
  ['messaging', 'auth'],
  ['write'],
  ['edge'],
  ['imports'],
  ['testing'],
];
const layerOf = (lib: string) => LAYERS.findIndex((layer) => layer.includes(lib));
const isTest = (file: string) => /\.(spec|int-spec|e2e-spec)\.ts$/.test(file);

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

/** The other libs `file` (in libs/<lib>/) imports, by alias or relative path, that are not below its own lib. */
function importsAbove(file: string, text = readFileSync(file, 'utf8')): string[] {
  const own = relative(join(ROOT, 'libs'), file).split(sep)[0]!;
  const found: string[] = [];
  for (const m of text.matchAll(/\bfrom\s+'([^']+)'|\bimport\s*\(\s*'([^']+)'|\brequire\(\s*'([^']+)'\s*\)/g)) {
    const spec = m[1] ?? m[2] ?? m[3]!;
    const target = relative(ROOT, resolve(file, '..', spec)).split(sep);
    const lib = /^@chanjiao\/([\w-]+)$/.exec(spec)?.[1] ?? (spec.startsWith('.') && target[0] === 'libs' ? target[1] : undefined);
    if (lib === undefined || lib === 'test-support' || lib === own) continue;
    const allowed = layerOf(lib) >= 0 && (layerOf(lib) < layerOf(own) || (lib === 'testing' && isTest(file)));
    if (!allowed) found.push(`${relative(ROOT, file)}: ${spec}`);
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

  it('every lib is in a layer, and imports only libs of the layers below it', () => {
    const libs = readdirSync(join(ROOT, 'libs'));
    expect(libs.filter((lib) => layerOf(lib) < 0)).toEqual([]);
    expect(files.flatMap((f) => importsAbove(f))).toEqual([]);
  });

  it('finds an import of a lib above or beside', () => {
    const file = join(ROOT, 'libs', 'write', 'src', 'planted.ts');
    const text = [
      "import { PlatformModule } from '@chanjiao/edge';\n",
      "import { x } from '../../imports/src/x';\n",
      "import { y } from '@chanjiao/config';\n",
    ].join('');
    expect(importsAbove(file, text)).toEqual([
      'libs/write/src/planted.ts: @chanjiao/edge',
      'libs/write/src/planted.ts: ../../imports/src/x',
    ]);
    expect(importsAbove(join(ROOT, 'libs', 'messaging', 'src', 'planted.ts'), "import { y } from '@chanjiao/auth';")).toEqual([
      'libs/messaging/src/planted.ts: @chanjiao/auth',
    ]);
    expect(importsAbove(join(ROOT, 'libs', 'write', 'src', 'planted.spec.ts'), "import { y } from '@chanjiao/testing';")).toEqual([]);
  });
});

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

// Domain files decide; they must load without Nest, TypeORM, amqplib or pg, so they stay cheap to test and to read.
// The files are read as text (not imported), and every file they reach through relative imports or `@chanjiao/*`
// aliases is checked too: a helper next to a domain file must not bring a framework in through the back door.
const ROOT = resolve(__dirname, '../../..');
const FORBIDDEN = [/^@nestjs\//, /^typeorm$/, /^amqplib$/, /^amqp-connection-manager$/, /^pg$/, /^pg-/];
/** Barrels that load frameworks (Nest, TypeORM, pg, amqplib), whatever a domain file would take from them. */
const FORBIDDEN_LIBS = ['config', 'persistence', 'messaging', 'auth', 'write', 'edge', 'imports', 'testing'];

export function importsOf(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/\bfrom\s+'([^']+)'|\bimport\s*\(?\s*'([^']+)'|\brequire\(\s*'([^']+)'\s*\)/g)) {
    found.push(m[1] ?? m[2] ?? m[3]);
  }
  return found;
}

function resolveFile(spec: string, from: string): string | undefined {
  const alias = /^@chanjiao\/([\w-]+)$/.exec(spec);
  const base = alias ? join(ROOT, 'libs', alias[1], 'src') : spec.startsWith('.') ? resolve(dirname(from), spec) : undefined;
  if (base === undefined) return undefined;
  return [`${base}.ts`, join(base, 'index.ts')].find((f) => existsSync(f));
}

/** Each forbidden import reachable from `entry`, as "file: specifier" (the chain is named by the file). */
function violations(entry: string): string[] {
  const seen = new Set<string>();
  const found: string[] = [];
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      const lib = /^@chanjiao\/([\w-]+)$/.exec(spec)?.[1];
      if (FORBIDDEN.some((p) => p.test(spec)) || (lib !== undefined && FORBIDDEN_LIBS.includes(lib))) {
        found.push(`${relative(ROOT, file)}: ${spec}`);
        continue;
      }
      const next = resolveFile(spec, file);
      if (next) visit(next);
    }
  };
  visit(entry);
  return found;
}

function domainFiles(): string[] {
  const apps = join(ROOT, 'apps');
  return readdirSync(apps)
    .map((app) => join(apps, app, 'src'))
    .filter((src) => existsSync(src))
    .flatMap((src) => readdirSync(src, { recursive: true, encoding: 'utf8' }).map((f) => join(src, f)))
    .filter((f) => f.endsWith('.domain.ts'))
    .sort();
}

describe('domain files are framework-free', () => {
  it('finds the domain files of the services', () => {
    expect(domainFiles().length).toBeGreaterThanOrEqual(10);
  });

  it.each(domainFiles().map((f) => [relative(ROOT, f), f]))(
    '%s reaches no Nest, TypeORM, amqplib, pg or framework-bound lib',
    (_, file) => {
      expect(violations(file)).toEqual([]);
    },
  );

  it('@chanjiao/domain itself reaches none of them', () => {
    expect(violations(join(__dirname, 'index.ts'))).toEqual([]);
  });

  it('reads static, side-effect and dynamic imports', () => {
    const text = [
      // Split so that the libs' layering guard (libs-stay-below-apps) does not read this text as domain importing edge.
      'import { DomainError } from ' + "'@chanjiao/edge';",
      "import type { EntityManager } from 'typeorm';",
      "import '@nestjs/common';",
      "const pg = require('pg');",
      "export { x } from './x';",
    ].join('\n');
    expect(importsOf(text)).toEqual(['@chanjiao/edge', 'typeorm', '@nestjs/common', 'pg', './x']);
  });
});

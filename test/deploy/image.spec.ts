import { readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';

const root = join(__dirname, '..', '..');
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  engines: { node: string };
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { dev?: boolean; optional?: boolean; devOptional?: boolean; hasInstallScript?: boolean }>;
};

/** Packages `npm ci --omit=dev --omit=optional` installs: those the lock flags neither dev nor (dev)optional. */
const production = new Set(
  Object.entries(lock.packages)
    .filter(([path, p]) => path && !p.dev && !p.optional && !p.devOptional)
    .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)),
);

/** Developers' commands compiled into dist/ but never run from the image (`npm run migration:generate` uses prettier). */
const DEVELOPER_ONLY = [join('scripts', 'migration-generate.ts')];

/** The TypeScript the image compiles into dist/ and runs (tsconfig.build.json, less bench/: not copied into it). */
function runtimeSources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (DEVELOPER_ONLY.includes(path)) return [];
    if (e.isDirectory()) return ['node_modules', 'client', 'testing'].includes(e.name) ? [] : runtimeSources(path);
    return /(?<!\.(spec|int-spec|e2e-spec|d))\.ts$/.test(e.name) ? [path] : [];
  });
}

describe('Dockerfile and the production dependencies', () => {
  it('builds and runs on a supported Node LTS (22 or 24, bookworm-slim) that package.json engines admits', () => {
    const images = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    expect(images.length).toBeGreaterThanOrEqual(2);
    for (const image of images) expect(image).toMatch(/^node:(22|24)-bookworm-slim$/);
    const major = Number(/^node:(\d+)/.exec(images.at(-1)!)![1]);
    // engines is a lower bound (Node 20.11+ still installs on development machines): the image's Node is within it.
    const [, minMajor, minMinor] = /^>=(\d+)\.(\d+)$/.exec(pkg.engines.node) ?? [];
    expect(Number(minMajor)).toBeLessThanOrEqual(major);
    expect(Number(minMajor) * 1000 + Number(minMinor)).toBeLessThanOrEqual(
      Number(process.versions.node.split('.')[0]) * 1000 + Number(process.versions.node.split('.')[1]),
    );
  });

  it('has a HEALTHCHECK on the compiled healthcheck script, and the final stage holds production dependencies only', () => {
    expect(dockerfile).toMatch(/^HEALTHCHECK .*CMD \["node", "dist\/scripts\/healthcheck\.js"\]$/m);
    expect(runtimeSources('scripts')).toContain(join('scripts', 'healthcheck.ts'));
    const stages = dockerfile.split(/^(?=FROM )/m).slice(1);
    const final = stages.at(-1)!;
    const depsStage = /COPY --from=(\w+) .*\/app\/node_modules node_modules/.exec(final)?.[1];
    const stage = (name?: string) => stages.find((s) => new RegExp(` AS ${name}\n`).test(s));
    const deps = stage(depsStage);
    expect(deps).toMatch(/RUN npm ci --omit=dev --omit=optional --ignore-scripts/);
    expect(deps).not.toMatch(/npm run build/);
    // dist/ (with the dashboard bundle) comes from the build stage, which runs the full build.
    const buildStage = /COPY --from=(\w+) .*\/app\/dist dist/.exec(final)?.[1];
    expect(stage(buildStage)).toMatch(/RUN npm run build/);
  });

  it('no TypeScript, ts-node, tsc-alias or other dev dependency is installed in the image', () => {
    // The build and test tools (a few devDependencies, such as ajv, are also dependencies of production packages).
    const tools = ['typescript', 'ts-node', 'tsc-alias', 'esbuild', 'echarts', '@nestjs/cli', '@swc/core', 'jest', 'ts-jest', 'eslint'];
    for (const name of [...tools, 'prettier', 'playwright-core', 'testcontainers', 'autocannon', 'kubernetes-models']) {
      expect(pkg.devDependencies[name] !== undefined || name === 'ts-node').toBe(true);
      expect({ name, installed: production.has(name) }).toEqual({ name, installed: false });
    }
    for (const name of Object.keys(pkg.dependencies)) expect({ name, installed: production.has(name) }).toEqual({ name, installed: true });
    // Teeth: --omit=dev alone would have installed TypeScript (an optional peer of @nestjs/swagger).
    expect(lock.packages['node_modules/typescript']).toMatchObject({ devOptional: true });
    // --ignore-scripts is safe: the only production package with an install script is a usage-telemetry ping.
    const withScripts = Object.entries(lock.packages)
      .filter(([path, p]) => p.hasInstallScript && production.has(path.slice(path.lastIndexOf('node_modules/') + 13)))
      .map(([path]) => path);
    expect(withScripts).toEqual(['node_modules/@scarf/scarf']);
  });

  it('nothing the image runs imports a package outside its production dependencies', () => {
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    const sources = ['apps', 'libs', 'scripts'].flatMap(runtimeSources);
    expect(sources.length).toBeGreaterThan(100);
    const missing: string[] = [];
    for (const file of sources) {
      const code = readFileSync(join(root, file), 'utf8');
      // Value imports only (`import type` is erased): static, dynamic and require().
      const specifiers = [
        ...code.matchAll(/^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?'([^']+)'/gm),
        ...code.matchAll(/(?:import|require)\(\s*'([^']+)'\s*\)/g),
      ].map((m) => m[1]!);
      for (const spec of specifiers) {
        if (spec.startsWith('.') || spec.startsWith('@chanjiao/') || builtins.has(spec)) continue;
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
        if (!production.has(name)) missing.push(`${relative(root, join(root, file))}: ${spec}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

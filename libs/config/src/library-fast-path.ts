import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Logger } from '@nestjs/common';
import { z } from 'zod';
import { loadEnv } from './env';

/**
 * `off`: every library adapter (README "Library internals") takes the library's public API instead of its
 * internals, whatever version is installed. Read by the adapters themselves (tools use them too); in the
 * service schema so that a mistyped value stops a service at boot.
 */
export const zLibraryFastPaths = z.enum(['on', 'off']).default('on');

/** Whether the adapters may use the internals they were verified against (see {@link zLibraryFastPaths}). */
export function libraryFastPathsOn(env: NodeJS.ProcessEnv = process.env): boolean {
  return loadEnv(z.object({ CHANJIAO_LIBRARY_FAST_PATHS: zLibraryFastPaths }), env).CHANJIAO_LIBRARY_FAST_PATHS === 'on';
}

/** Whether a library's adapter may take its fast path, and if not, why. */
export type FastPathVerdict = { fast: true } | { fast: false; reason: string };

/**
 * The version of `library` installed where this process resolves it, from its package.json (found by walking up
 * from its entry point: some packages, amqplib among them, do not export their package.json).
 */
export function installedVersion(library: string): string | undefined {
  let dir: string;
  try {
    dir = dirname(require.resolve(library));
  } catch {
    return undefined;
  }
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === library) return pkg.version;
    } catch {
      // no package.json here: look further up
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Whether an adapter verified against `verified` of `library` may use its internals (the version and the env switch). */
export function fastPathVerdict(library: string, verified: string, installed: string | undefined, env = process.env): FastPathVerdict {
  if (!libraryFastPathsOn(env)) return { fast: false, reason: 'CHANJIAO_LIBRARY_FAST_PATHS=off' };
  if (installed !== verified) return { fast: false, reason: installed ? 'not the verified version' : 'not found installed' };
  return { fast: true };
}

/**
 * One adapter's choice between a library's internals and its public API, made once per process (the first time it
 * is asked) and, when it is the public path, logged once: one line naming the library, the installed and verified versions.
 * The internals of a library's other versions were never checked: a patch release may move them.
 */
export class LibraryFastPath {
  /** Every adapter's, for {@link decideLibraryFastPaths} at boot. */
  static readonly all: LibraryFastPath[] = [];
  private verdict?: FastPathVerdict;

  constructor(
    readonly library: string,
    readonly verified: string,
  ) {
    LibraryFastPath.all.push(this);
  }

  /** True when the fast path may be used; the first call decides (and logs a public path). */
  get on(): boolean {
    if (!this.verdict) {
      this.verdict = fastPathVerdict(this.library, this.verified, installedVersion(this.library));
      if (!this.verdict.fast) {
        const line = `${this.library}: public API path (installed ${installedVersion(this.library) ?? 'unknown'}, verified ${this.verified}; ${this.verdict.reason})`;
        // Chosen by the switch, a fact; by another version, worth an operator's look (slower, until the adapter is verified).
        const logger = new Logger('library-internals');
        if (libraryFastPathsOn()) logger.warn(line);
        else logger.log(line);
      }
    }
    return this.verdict.fast;
  }

  /** Forgets the choice (tests switch the env between runs). */
  reset(): void {
    this.verdict = undefined;
  }
}

/** Decides (and logs, where public) every loaded adapter's path: called at boot, so the line comes then and not at the first use. */
export function decideLibraryFastPaths(): void {
  for (const gate of LibraryFastPath.all) void gate.on;
}

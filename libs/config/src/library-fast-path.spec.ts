import { readFileSync } from 'node:fs';
import { ConfigError } from './config-error';
import { Logger } from '@nestjs/common';
import { fastPathVerdict, installedVersion, LibraryFastPath } from './library-fast-path';

const json = <T>(path: string) => JSON.parse(readFileSync(path, 'utf8')) as T;

describe('fastPathVerdict', () => {
  it('takes the fast path only for the verified version, with the switch on (the default)', () => {
    expect(fastPathVerdict('pg', '8.23.1', '8.23.1', {})).toEqual({ fast: true });
    expect(fastPathVerdict('pg', '8.23.1', '8.23.1', { CHANJIAO_LIBRARY_FAST_PATHS: 'on' })).toEqual({ fast: true });
    expect(fastPathVerdict('pg', '8.23.1', '8.23.2', {})).toEqual({ fast: false, reason: 'not the verified version' });
    expect(fastPathVerdict('pg', '8.23.1', undefined, {})).toEqual({ fast: false, reason: 'not found installed' });
  });

  it('takes the public path everywhere with CHANJIAO_LIBRARY_FAST_PATHS=off', () => {
    expect(fastPathVerdict('pg', '8.23.1', '8.23.1', { CHANJIAO_LIBRARY_FAST_PATHS: 'off' })).toEqual({
      fast: false,
      reason: 'CHANJIAO_LIBRARY_FAST_PATHS=off',
    });
  });

  it('refuses a mistyped switch', () => {
    expect(() => fastPathVerdict('pg', '8.23.1', '8.23.1', { CHANJIAO_LIBRARY_FAST_PATHS: 'no' })).toThrow(ConfigError);
  });
});

describe('installedVersion', () => {
  it('reads the package.json of what this process resolves, also where the package does not export it (amqplib)', () => {
    for (const library of ['amqplib', 'pg', 'class-validator']) {
      expect(installedVersion(library)).toBe(json<{ version: string }>(`node_modules/${library}/package.json`).version);
    }
    expect(installedVersion('no-such-package-here')).toBeUndefined();
  });

  it('is the version package.json pins exactly (the adapters are verified against it)', () => {
    const pinned = json<{ dependencies: Record<string, string> }>('package.json').dependencies;
    for (const library of ['amqplib', 'pg', 'class-validator']) expect(pinned[library]).toBe(installedVersion(library));
  });
});

describe('LibraryFastPath', () => {
  it('decides once, and warns once, naming the library and both versions, where the installed one was not verified', () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const gate = new LibraryFastPath('pg', '0.0.1');
      expect([gate.on, gate.on]).toEqual([false, false]);
      expect(warn.mock.calls).toEqual([
        [`pg: public API path (installed ${installedVersion('pg')}, verified 0.0.1; not the verified version)`],
      ]);
      expect(new LibraryFastPath('pg', installedVersion('pg')!).on).toBe(true);
    } finally {
      warn.mockRestore();
      LibraryFastPath.all.splice(-2);
    }
  });
});

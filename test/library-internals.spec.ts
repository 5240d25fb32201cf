import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Reaches into a library's internals are confined to its adapter (README "Library internals"): an upgrade then has one
 * file per library to check, and CHANJIAO_LIBRARY_FAST_PATHS=off turns them all off. This fails on a new reach elsewhere.
 */
const ROOT = join(__dirname, '..');
const SCANNED = ['apps', 'libs', 'bench', 'scripts', 'test'];
const ADAPTERS = new Set([
  'libs/messaging/src/adapters/amqplib-internals.ts',
  'libs/persistence/src/adapters/pg-internals.ts',
  'libs/edge/src/adapters/class-validator-internals.ts',
]);
/** Tests that read internals to check an adapter against the library itself, each with its reason. */
const TESTS_THAT_COMPARE = new Map([
  ['libs/messaging/src/outbox/publish-frames.spec.ts', "compares the encoded frames with amqplib's own encoders"],
  ['libs/messaging/src/consumer/amqp-event.concurrency.int-spec.ts', "counts acks through amqplib's Channel class"],
  ['libs/testing/src/connections.ts', "counts a client's socket writes (test support only)"],
  ['test/library-internals.spec.ts', 'this list of patterns'],
]);

/** What reaching into amqplib, pg or class-validator looks like: private modules, fields and metadata. */
const REACHES: ReadonlyArray<[string, RegExp]> = [
  ['a private module path', /\b(amqplib\/lib|pg\/lib|pg-protocol|class-validator\/(types|cjs|esm5|esm2015))\b/],
  ["a library's files by path", /require\.resolve\(['"](amqplib|pg|class-validator)['"]\)/],
  ["class-validator's metadata storage", /\bgetMetadataStorage\b/],
  ["amqplib's connection and channel internals", /\b(muxer|_readIncoming|pushConfirmCallback|sentSinceLastCheck)\b/],
  ["pg's connection (protocol writer)", /\b(sendCopyFail|ProtocolWriter)\b|\bConnection\b[^;]*from 'pg'|\bconnection\.stream\b/],
  ['a private field (`._name`)', /\._[A-Za-z]\w*/],
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'dist' ? [] : sources(path);
    return /\.(ts|js|mjs|cjs)$/.test(e.name) ? [relative(ROOT, path)] : [];
  });
}

describe('library internals', () => {
  const files = SCANNED.flatMap((d) => sources(join(ROOT, d)));

  it('are reached only through the adapters (and the tests named here that compare with them)', () => {
    const found: string[] = [];
    for (const file of files) {
      if (ADAPTERS.has(file) || TESTS_THAT_COMPARE.has(file)) continue;
      readFileSync(join(ROOT, file), 'utf8')
        .split('\n')
        .forEach((line, i) => {
          for (const [what, pattern] of REACHES) if (pattern.test(line)) found.push(`${file}:${i + 1}: ${what}: ${line.trim()}`);
        });
    }
    expect(found).toEqual([]);
  });

  it('lists only files that exist, and catches what the adapters do', () => {
    for (const file of [...ADAPTERS, ...TESTS_THAT_COMPARE.keys()]) expect(files).toContain(file);
    for (const file of ADAPTERS) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      expect(REACHES.some(([, pattern]) => pattern.test(text))).toBe(true);
    }
  });
});

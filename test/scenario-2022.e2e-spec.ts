import { startStack, TestStack } from '@chanjiao/test-support';
import { runDemo } from '../scripts/demo/run-demo';
import type { WriteDatabases } from '../scripts/verify/records';
import { formatDifference, verifyFigures } from '../scripts/verify/verify-figures';

/**
 * DESIGN.md §7: the 2022 data set loaded through the write API and file imports of all four services
 * makes the overview show the figures of the source, every one of them; and every figure of every report
 * equals the recount of `npm run verify` from the services' own records.
 */
describe('the 2022 scenario', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ services: ['enrollment', 'placement', 'partnership', 'alliance', 'reporting'], institution: 'BZVTC' });
  }, 120_000);
  afterAll(() => stack?.close());

  it('reproduces every figure of the source', async () => {
    const checks = await runDemo({
      institution: stack.institution,
      urls: stack.urls as Parameters<typeof runDemo>[0]['urls'],
      writerKey: stack.writerKey,
      readerKey: stack.readerKey,
    });
    const differing = checks.filter((c) => !c.ok);
    expect(differing).toEqual([]);
    expect(checks).toHaveLength(28);

    const verified = await verifyFigures({
      reportingUrl: stack.urls.reporting!,
      databases: Object.fromEntries(
        (['enrollment', 'placement', 'partnership', 'alliance'] as const).map((s) => [s, stack.databases[s]!]),
      ) as WriteDatabases,
      authDatabaseUrl: stack.authDatabaseUrl,
    });
    expect(verified.differences.map(formatDifference)).toEqual([]);
    expect(verified.reports).toBeGreaterThan(100);
  }, 600_000);
});

import { startStack, TestStack } from '@chanjiao/test-support';
import { AS_OF } from '../scripts/demo/expected';
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

    // The annual quality report files the source's figures under the report's own names.
    const item = async (year: number, table: string, name: string): Promise<unknown> => {
      const res = await stack.reporting.get(`/reports/quality-report?year=${year}&asOf=${AS_OF}`);
      expect(res.status).toBe(200);
      const t = (res.body.tables as Array<{ table: string; items: Array<{ item: string; value: unknown }> }>).find(
        (x) => x.table === table,
      );
      return t?.items.find((i) => i.item === name)?.value;
    };
    expect(await item(2022, '服务贡献表', '毕业生人数')).toBe(3292);
    expect(await item(2022, '服务贡献表', '其中：就业人数')).toBe(3185);
    expect(await item(2022, '服务贡献表', '毕业生就业去向 A 类：留在当地就业人数')).toBe(1759);
    expect(await item(2022, '计分卡', '毕业去向落实率')).toEqual({ numerator: 3185, denominator: 3292, rate: 0.9675 });
    expect(await item(2021, '教学资源与落实政策表', '实训基地建设投入（元）')).toBe('403000000.00');

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

import { startStack, TestStack } from '@chanjiao/test-support';
import { runDemo } from '../scripts/demo/run-demo';

/**
 * DESIGN.md §7: the 2022 data set loaded through the write API and file imports of all four services
 * makes the overview show the figures of the source, every one of them.
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
  }, 600_000);
});

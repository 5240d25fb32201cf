import { createDemoContext, DemoContext, waitForReports } from '../../scripts/demo/run-demo';
import type { TestStack } from './stack';

export { waitForReports };

/**
 * A demo context (scripts/demo/run-demo.ts) on a test stack: the same call/batch/importCsv helpers
 * `npm run demo` uses, with the stack's keys, so a department's loader can run against it.
 */
export function demoContextFor(stack: TestStack, options: { seed?: number; log?: (line: string) => void } = {}): DemoContext {
  return createDemoContext({ urls: stack.urls, writerKey: stack.writerKey, readerKey: stack.readerKey, ...options });
}

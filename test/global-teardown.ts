import type { TestServices } from '../libs/testing/src/test-services';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __chanjiaoServices?: TestServices }).__chanjiaoServices?.stop();
}

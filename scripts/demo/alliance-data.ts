import type { DemoContext } from './run-demo';

/** The alliance office's 2022 data set (DESIGN.md §7). */
export async function loadAlliance(ctx: DemoContext): Promise<void> {
  ctx.log('alliance: not loaded yet');
}

import type { DemoContext } from './run-demo';

/** The partnership office's 2022 data set (DESIGN.md §7). */
export async function loadPartnership(ctx: DemoContext): Promise<void> {
  ctx.log('partnership: not loaded yet');
}

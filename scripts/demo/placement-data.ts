import type { DemoContext } from './run-demo';

/** The placement office's 2022 data set (DESIGN.md §7). */
export async function loadPlacement(ctx: DemoContext): Promise<void> {
  ctx.log('placement: not loaded yet');
}

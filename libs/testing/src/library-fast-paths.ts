import { LibraryFastPath } from '@chanjiao/config';

/** Both paths of every library adapter, for `describe.each` (README "Library internals"). */
export const LIBRARY_PATHS = ['on', 'off'] as const;

/**
 * Sets CHANJIAO_LIBRARY_FAST_PATHS for this test process and has every adapter decide again: `off` runs the public-API
 * paths a service runs with the switch off (or with a library version its adapter was not verified against).
 */
export function useLibraryFastPaths(mode: 'on' | 'off'): void {
  process.env.CHANJIAO_LIBRARY_FAST_PATHS = mode;
  for (const gate of LibraryFastPath.all) gate.reset();
}

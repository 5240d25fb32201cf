import { Init1795889520527 } from './1795889520527-Init';

/** In order of application. */
export const MIGRATIONS = [Init1795889520527];

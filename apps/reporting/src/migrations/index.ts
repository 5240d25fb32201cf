import { Init1795889521428 } from './1795889521428-Init';

/** In order of application. */
export const MIGRATIONS = [Init1795889521428];

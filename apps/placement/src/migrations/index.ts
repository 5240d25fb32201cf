import { Init1795891293768 } from './1795891293768-Init';

/** In order of application. */
export const MIGRATIONS = [Init1795891293768];

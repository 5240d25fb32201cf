import { Init1795891428490 } from './1795891428490-Init';

/** In order of application. */
export const MIGRATIONS = [Init1795891428490];

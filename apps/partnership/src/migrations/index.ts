import { Init1795891486226 } from './1795891486226-Init';

/** In order of application. */
export const MIGRATIONS = [Init1795891486226];

import { Init1795891428490 } from './1795891428490-Init';
import { ImportJobs1795892107002 } from './1795892107002-ImportJobs';

/** In order of application. */
export const MIGRATIONS = [Init1795891428490, ImportJobs1795892107002];

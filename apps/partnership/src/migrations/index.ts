import { Init1795891486226 } from './1795891486226-Init';
import { ImportJobs1795892209060 } from './1795892209060-ImportJobs';

/** In order of application. */
export const MIGRATIONS = [Init1795891486226, ImportJobs1795892209060];

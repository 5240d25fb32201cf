import { Init1795891293768 } from './1795891293768-Init';
import { ImportJobs1795891886107 } from './1795891886107-ImportJobs';
import { OutboxNotifyFromWriters1795893600000 } from './1795893600000-OutboxNotifyFromWriters';
import { OutboxPayloadJson1795910964716 } from './1795910964716-OutboxPayloadJson';
import { OutboxPending1795915455549 } from './1795915455549-OutboxPending';
import { ImportJobsPerInstitution1796555133731 } from './1796555133731-ImportJobsPerInstitution';

/** In order of application. */
export const MIGRATIONS = [
  Init1795891293768,
  ImportJobs1795891886107,
  OutboxNotifyFromWriters1795893600000,
  OutboxPayloadJson1795910964716,
  OutboxPending1795915455549,
  ImportJobsPerInstitution1796555133731,
];

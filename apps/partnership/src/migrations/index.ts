import { Init1795891486226 } from './1795891486226-Init';
import { ImportJobs1795892209060 } from './1795892209060-ImportJobs';
import { OutboxNotifyFromWriters1795893600000 } from './1795893600000-OutboxNotifyFromWriters';
import { OutboxPayloadJson1795910976627 } from './1795910976627-OutboxPayloadJson';
import { OutboxPending1795915470593 } from './1795915470593-OutboxPending';
import { ImportJobsPerInstitution1796555170785 } from './1796555170785-ImportJobsPerInstitution';

/** In order of application. */
export const MIGRATIONS = [
  Init1795891486226,
  ImportJobs1795892209060,
  OutboxNotifyFromWriters1795893600000,
  OutboxPayloadJson1795910976627,
  OutboxPending1795915470593,
  ImportJobsPerInstitution1796555170785,
];

import { Init1795891428490 } from './1795891428490-Init';
import { ImportJobs1795892107002 } from './1795892107002-ImportJobs';
import { OutboxNotifyFromWriters1795893600000 } from './1795893600000-OutboxNotifyFromWriters';
import { OutboxPayloadJson1795910988308 } from './1795910988308-OutboxPayloadJson';
import { OutboxPending1795915486412 } from './1795915486412-OutboxPending';
import { ImportJobsPerInstitution1796555202622 } from './1796555202622-ImportJobsPerInstitution';

/** In order of application. */
export const MIGRATIONS = [
  Init1795891428490,
  ImportJobs1795892107002,
  OutboxNotifyFromWriters1795893600000,
  OutboxPayloadJson1795910988308,
  OutboxPending1795915486412,
  ImportJobsPerInstitution1796555202622,
];

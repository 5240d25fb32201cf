import { Init1795889520527 } from './1795889520527-Init';
import { ImportJobs1795891283658 } from './1795891283658-ImportJobs';
import { OutboxNotifyFromWriters1795893600000 } from './1795893600000-OutboxNotifyFromWriters';
import { OutboxPayloadJson1795910952536 } from './1795910952536-OutboxPayloadJson';
import { OutboxPending1795915433974 } from './1795915433974-OutboxPending';
import { ImportJobsPerInstitution1796555103102 } from './1796555103102-ImportJobsPerInstitution';

/** In order of application. */
export const MIGRATIONS = [
  Init1795889520527,
  ImportJobs1795891283658,
  OutboxNotifyFromWriters1795893600000,
  OutboxPayloadJson1795910952536,
  OutboxPending1795915433974,
  ImportJobsPerInstitution1796555103102,
];

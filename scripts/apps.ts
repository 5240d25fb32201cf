import type { DataSourceSpec } from '@chanjiao/persistence';
import { ENROLLMENT_ENTITIES } from '../apps/enrollment/src/enrollment.module';
import { MIGRATIONS as ENROLLMENT_MIGRATIONS } from '../apps/enrollment/src/migrations';
import { PLACEMENT_ENTITIES } from '../apps/placement/src/placement.module';
import { MIGRATIONS as PLACEMENT_MIGRATIONS } from '../apps/placement/src/migrations';
import { PARTNERSHIP_ENTITIES } from '../apps/partnership/src/partnership.module';
import { MIGRATIONS as PARTNERSHIP_MIGRATIONS } from '../apps/partnership/src/migrations';
import { REPORTING_ENTITIES } from '../apps/reporting/src/reporting.entities';
import { MIGRATIONS as REPORTING_MIGRATIONS } from '../apps/reporting/src/migrations';
import { ALLIANCE_ENTITIES } from '../apps/alliance/src/alliance.module';
import { MIGRATIONS as ALLIANCE_MIGRATIONS } from '../apps/alliance/src/migrations';

/** The apps `npm start`, `npm run migrate` and the migration generator know, in start order. */
export const APPS: Record<string, { entities: DataSourceSpec['entities']; migrations: DataSourceSpec['migrations']; main: string }> = {
  enrollment: { entities: ENROLLMENT_ENTITIES, migrations: ENROLLMENT_MIGRATIONS, main: 'apps/enrollment/src/main.js' },
  placement: { entities: PLACEMENT_ENTITIES, migrations: PLACEMENT_MIGRATIONS, main: 'apps/placement/src/main.js' },
  partnership: { entities: PARTNERSHIP_ENTITIES, migrations: PARTNERSHIP_MIGRATIONS, main: 'apps/partnership/src/main.js' },
  alliance: { entities: ALLIANCE_ENTITIES, migrations: ALLIANCE_MIGRATIONS, main: 'apps/alliance/src/main.js' },
  reporting: { entities: REPORTING_ENTITIES, migrations: REPORTING_MIGRATIONS, main: 'apps/reporting/src/main.js' },
};

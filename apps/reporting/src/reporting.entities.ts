import {
  CounterEntity,
  EventLogEntity,
  FreshnessEntity,
  ReadModelEntity,
  StreamPendingEntity,
  StreamPositionEntity,
} from './projection/projection.entities';
import { RebuildRunEntity } from './rebuild/rebuild-run.entity';

export const REPORTING_ENTITIES = [
  EventLogEntity,
  StreamPositionEntity,
  StreamPendingEntity,
  ReadModelEntity,
  CounterEntity,
  FreshnessEntity,
  RebuildRunEntity,
];

import {
  CounterEntity,
  EventLogEntity,
  FreshnessEntity,
  ReadModelEntity,
  StreamPendingEntity,
  StreamPositionEntity,
} from './projection/projection.entities';

export const REPORTING_ENTITIES = [
  EventLogEntity,
  StreamPositionEntity,
  StreamPendingEntity,
  ReadModelEntity,
  CounterEntity,
  FreshnessEntity,
];

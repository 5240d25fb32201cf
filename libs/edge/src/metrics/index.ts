export * from './metrics';
export * from './metrics.module';
export * from './outbox.metrics';
export * from './worker.metrics';
export * from './metric-names';
export * from './metrics-leader';
export * from './metrics.server';

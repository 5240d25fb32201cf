export * from './metrics';
export * from './metrics.module';
export * from './outbox.metrics';
export * from './worker.metrics';
export * from './metric-names';

export * from './env';
export * from './database-url';
export * from './data-source';
export * from './migrate';
export * from './pg-errors';
export * from './send-together';
export * from './rows-by-keys';
export * from './statements-together';

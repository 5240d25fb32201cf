export * from './body-limits';
export * from './edge';
export * from './edge.config';
export * from './json-body';
export * from './key-check';
export * from './rate-limit';
export * from './security-headers';

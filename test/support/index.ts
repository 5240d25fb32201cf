export * from './stack';
export * from './events';

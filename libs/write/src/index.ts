export * from './decide';
export * from './unit-of-work';
export * from './write-coalescer';
export * from './quota';

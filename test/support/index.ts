export * from './stack';
export * from './events';
export * from './apps';
export * from './demo-context';
export * from './inbox-unit-of-work';
export * from './processes';
export * from './fixtures';
export * from './redelivery';

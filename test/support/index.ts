export * from './stack';
export * from './apps';
export * from './demo-context';
export * from './processes';
export * from './fixtures';
export * from './redelivery';
export * from './metrics';
export * from './stack-identities';

export * from './problems';
export * from './examples';
export * from './document';

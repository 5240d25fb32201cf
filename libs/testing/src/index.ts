export * from './expect-eventually';
export * from './test-services';
export * from './databases';
export * from './http';
export * from './tcp-proxy';
export * from './zip-fixture';
export * from './library-fast-paths';
export * from './view-mappers';

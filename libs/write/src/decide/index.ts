export * from './context';
export * from './decide-write';

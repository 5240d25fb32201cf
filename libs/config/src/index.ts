export * from './config-error';
export * from './env';
export * from './amqp-urls';
export * from './rate-limit-setting';
export * from './secret-env';
export * from './library-fast-path';
export * from './service-env';
export * from './heap';

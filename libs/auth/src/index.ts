export * from './api-key';
export * from './api-key.entity';
export * from './api-key.store';
export * from './auth.guard';
export * from './auth.module';
export * from './key-verifier';

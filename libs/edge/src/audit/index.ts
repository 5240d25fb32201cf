export * from './audit.controller';
export * from './audit.dto';
export * from './audit.reader';

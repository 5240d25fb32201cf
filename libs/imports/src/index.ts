export * from './import-spec';
export * from './import-job.entity';
export * from './import.dto';
export * from './import.service';
export * from './import.controller';
export * from './sheet-writer';
export * from './import-header';
export * from './import-template';

// The decision vocabulary of every service's domain files, free of any framework: it imports nothing from Nest,
// TypeORM, amqplib or pg (framework-free.spec.ts checks it and every `*.domain.ts`).
export * from './domain-error';
export * from './decision';

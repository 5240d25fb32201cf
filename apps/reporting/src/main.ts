import 'reflect-metadata';
import { ConfigError, tuneServiceHeap } from '@chanjiao/config';
import { createReportingApp } from './app';
import { loadReportingEnv } from './config';

async function main(): Promise<void> {
  tuneServiceHeap();
  const env = loadReportingEnv();
  const app = await createReportingApp(env);
  await app.listen({ port: env.PORT, host: env.HOST });
}

main().catch((e: unknown) => {
  // A configuration error explains itself; anything else needs its stack.
  console.error(e instanceof ConfigError ? e.message : e);
  process.exit(1);
});

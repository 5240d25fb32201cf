import 'reflect-metadata';
import { ConfigError, tuneServiceHeap } from '@chanjiao/config';
import { createPartnershipApp } from './app';
import { loadPartnershipEnv } from './config';

async function main(): Promise<void> {
  tuneServiceHeap();
  const env = loadPartnershipEnv();
  const app = await createPartnershipApp(env);
  await app.listen({ port: env.PORT, host: env.HOST });
}

main().catch((e: unknown) => {
  // A configuration error explains itself; anything else needs its stack.
  console.error(e instanceof ConfigError ? e.message : e);
  process.exit(1);
});

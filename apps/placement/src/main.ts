import 'reflect-metadata';
import { ConfigError, loadServiceEnv, tuneServiceHeap } from '@chanjiao/config';
import { createPlacementApp } from './app';

async function main(): Promise<void> {
  tuneServiceHeap();
  const env = loadServiceEnv('placement');
  const app = await createPlacementApp(env);
  await app.listen({ port: env.PORT, host: env.HOST });
}

main().catch((e: unknown) => {
  // A configuration error explains itself; anything else needs its stack.
  console.error(e instanceof ConfigError ? e.message : e);
  process.exit(1);
});

/**
 * The container health check (Dockerfile HEALTHCHECK, docker-compose.yml `healthcheck`): exits 0 when this container's
 * service answers `GET /health` (its readiness) with 2xx, 1 otherwise. Port from PORT, else the app's default (APP).
 */
import { DEFAULT_PORTS } from '@chanjiao/config';

export function healthUrl(env: NodeJS.ProcessEnv): string {
  const port = env.PORT ?? DEFAULT_PORTS[(env.APP ?? '') as keyof typeof DEFAULT_PORTS];
  if (port === undefined) throw new Error('healthcheck: set PORT (or APP to one of the apps)');
  return `http://127.0.0.1:${port}/health`;
}

async function main(): Promise<void> {
  const res = await fetch(healthUrl(process.env), { signal: AbortSignal.timeout(4_000) });
  process.exitCode = res.ok ? 0 : 1;
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(`healthcheck: ${(e as Error).message}`);
    process.exitCode = 1;
  });
}

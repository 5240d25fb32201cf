import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ServiceProcess, spawnService as spawnProcess } from '../../scripts/service-process';

export { stopProcess, waitHealthy } from '../../scripts/service-process';
export type { ServiceProcess } from '../../scripts/service-process';

export const REPO_ROOT = join(__dirname, '..', '..');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Processes run the compiled dist/ (as the image does); built here if the sources are newer. */
export function ensureBuild(): void {
  execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'ensure-build.js')], { cwd: REPO_ROOT, stdio: 'inherit' });
}

/** Spawns `command` with exactly `env` (plus PATH), from the repository root. */
export function spawnService(name: string, command: string[], env: Record<string, string>, port: number): ServiceProcess {
  return spawnProcess(name, command, env, port, { cwd: REPO_ROOT });
}

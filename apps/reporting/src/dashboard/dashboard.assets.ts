import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The files of the dashboard's bundle (scripts/build-dashboard.js), by name, with their content types. */
export const DASHBOARD_FILES: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'dashboard.js': 'text/javascript; charset=utf-8',
  'dashboard.css': 'text/css; charset=utf-8',
};

export interface DashboardAsset {
  type: string;
  body: Buffer;
  etag: string;
}

/**
 * Where the bundle is: `dist/dashboard` of the project (the directory holding package.json), found from this file
 * whether it runs compiled (dist/apps/reporting/src/dashboard) or from source under ts-jest, and in the image (/app).
 */
export function dashboardDir(from: string = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) return join(from, 'dashboard');
    dir = up;
  }
  return join(dir, 'dist', 'dashboard');
}

/** The bundle's files, read once each (three small files: bounded); undefined when the bundle was not built. */
export class DashboardAssets {
  private readonly loaded = new Map<string, DashboardAsset>();
  constructor(readonly dir: string = dashboardDir()) {}

  get(name: string): DashboardAsset | undefined {
    const type = Object.hasOwn(DASHBOARD_FILES, name) ? DASHBOARD_FILES[name] : undefined;
    if (type === undefined) return undefined;
    const cached = this.loaded.get(name);
    if (cached) return cached;
    const path = join(this.dir, name);
    if (!existsSync(path)) return undefined;
    const body = readFileSync(path);
    const asset = { type, body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
    this.loaded.set(name, asset);
    return asset;
  }
}

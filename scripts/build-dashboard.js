#!/usr/bin/env node
// Bundles the dashboard (apps/reporting/src/dashboard/client) into dist/dashboard: the page, its stylesheet, and one
// script with ECharts in it (no CDN; the page's CSP allows only its own origin). Plain JS: `npm run build` and the
// dashboard's e2e test run it before anything else is built. `buildDashboard()` is also exported for the test.
const { copyFileSync, mkdirSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const client = join(root, 'apps', 'reporting', 'src', 'dashboard', 'client');
const out = join(root, 'dist', 'dashboard');

async function buildDashboard() {
  const esbuild = require('esbuild');
  mkdirSync(out, { recursive: true });
  await esbuild.build({
    entryPoints: [join(client, 'main.ts')],
    outfile: join(out, 'dashboard.js'),
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['chrome110', 'firefox110', 'safari16'],
    tsconfig: join(client, 'tsconfig.json'),
    legalComments: 'none',
    logLevel: 'warning',
  });
  for (const f of ['index.html', 'dashboard.css']) copyFileSync(join(client, f), join(out, f));
  return out;
}

module.exports = { buildDashboard };

if (require.main === module) {
  buildDashboard().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}

#!/usr/bin/env node
// Builds dist/ only when a TypeScript source is newer than the last build, so `npm run keys`
// and friends start at once after the first build. Plain JS: it must run before anything is built.
const { statSync, readdirSync, existsSync, writeFileSync, mkdirSync, rmSync } = require('node:fs');
const { join } = require('node:path');
const { execSync } = require('node:child_process');

const root = join(__dirname, '..');
const stamp = join(root, 'dist', '.build-stamp');

function newest(dir) {
  let t = 0;
  if (!existsSync(dir)) return t;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) t = Math.max(t, newest(p));
    else if (/\.(ts|json|css|html)$/.test(entry.name)) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

const sources = Math.max(
  ...['apps', 'libs', 'scripts', 'bench'].map((d) => newest(join(root, d))),
  statSync(join(root, 'tsconfig.json')).mtimeMs,
  statSync(join(root, 'tsconfig.build.json')).mtimeMs,
);
const stale = () => !existsSync(stamp) || statSync(stamp).mtimeMs < sources;

// Test workers may ask at the same time: one builds, the others wait for it (a lock directory;
// one older than five minutes was left by a killed build).
const lock = join(root, '.build-lock');
function acquire() {
  for (;;) {
    try {
      mkdirSync(lock);
      return;
    } catch {
      try {
        if (Date.now() - statSync(lock).mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        // released meanwhile
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
}

if (stale()) {
  acquire();
  try {
    if (stale()) {
      console.error('building…');
      execSync('npm run -s build', { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
      writeFileSync(stamp, new Date().toISOString());
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

// Preload (`node --require scripts/cpu-profile.js`): profiles the process's CPU from start to SIGTERM
// and writes a .cpuprofile (Chrome DevTools / speedscope) to $CPU_PROFILE_OUT. `--cpu-prof` cannot be
// used for services: they stop by re-raising SIGTERM, which skips the exit hook that writes it.
const inspector = require('node:inspector');
const { writeFileSync } = require('node:fs');

const out = process.env.CPU_PROFILE_OUT ?? `cpu-${process.pid}.cpuprofile`;
const session = new inspector.Session();
session.connect();
session.post('Profiler.enable', () => session.post('Profiler.start'));
process.prependOnceListener('SIGTERM', () => {
  session.post('Profiler.stop', (err, result) => {
    if (!err) writeFileSync(out, JSON.stringify(result.profile));
  });
});

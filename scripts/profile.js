// Preload (`node --require scripts/profile.js`): profiles the process from start to SIGTERM and writes
// - its CPU, as a .cpuprofile (Chrome DevTools / speedscope), to $CPU_PROFILE_OUT when that is set;
// - what it allocates, collected or not, as a .heapprofile (DevTools, Memory tab), to $HEAP_PROFILE_OUT when that is
//   set. Allocation, not the live heap, is what drives a service's young-generation collections under load.
// `--cpu-prof` cannot be used for services: they stop by re-raising SIGTERM, which skips the exit hook that writes it.
const inspector = require('node:inspector');
const { writeFileSync } = require('node:fs');

const session = new inspector.Session();
session.connect();
const { CPU_PROFILE_OUT: cpuOut, HEAP_PROFILE_OUT: heapOut } = process.env;
if (cpuOut) session.post('Profiler.enable', () => session.post('Profiler.start'));
if (heapOut) {
  session.post('HeapProfiler.enable', () =>
    // One sample per 64 KiB: finer sampling of everything allocated outgrows a 160 MB heap within a benchmark.
    session.post('HeapProfiler.startSampling', {
      samplingInterval: 65536,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    }),
  );
}
process.prependOnceListener('SIGTERM', () => {
  if (cpuOut) session.post('Profiler.stop', (err, result) => !err && writeFileSync(cpuOut, JSON.stringify(result.profile)));
  if (heapOut) session.post('HeapProfiler.stopSampling', (err, result) => !err && writeFileSync(heapOut, JSON.stringify(result.profile)));
});

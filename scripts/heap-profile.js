// Preload (`node --require scripts/heap-profile.js`): samples what the process allocates from start to SIGTERM,
// collected or not, and writes a .heapprofile (Chrome DevTools) to $HEAP_PROFILE_OUT. Allocation, not the live
// heap, is what drives the young-generation collections of a service under load.
const inspector = require('node:inspector');
const { writeFileSync } = require('node:fs');

const out = process.env.HEAP_PROFILE_OUT ?? `heap-${process.pid}.heapprofile`;
const session = new inspector.Session();
session.connect();
session.post('HeapProfiler.enable', () =>
  // One sample per 64 KiB: finer sampling of everything allocated outgrows a 160 MB heap within a benchmark.
  session.post('HeapProfiler.startSampling', {
    samplingInterval: 65536,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  }),
);
process.prependOnceListener('SIGTERM', () => {
  session.post('HeapProfiler.stopSampling', (err, result) => {
    if (!err) writeFileSync(out, JSON.stringify(result.profile));
  });
});

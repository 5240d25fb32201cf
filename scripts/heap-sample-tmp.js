const inspector = require('node:inspector');
const { writeFileSync } = require('node:fs');
const out = (process.env.CPU_PROFILE_OUT ?? 'x').replace('.cpuprofile', '.heapprofile');
const session = new inspector.Session();
session.connect();
session.post('HeapProfiler.enable', () => session.post('HeapProfiler.startSampling', { samplingInterval: 65536, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true }));
process.prependOnceListener('SIGTERM', () => {
  session.post('HeapProfiler.stopSampling', (err, result) => { if (!err) writeFileSync(out, JSON.stringify(result.profile)); else console.error(err); });
});

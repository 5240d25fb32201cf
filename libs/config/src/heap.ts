import { setFlagsFromString } from 'node:v8';

/**
 * V8 flags a service process runs with (`npm start`, the benchmark; the image's NODE_OPTIONS, the
 * compose file and the k8s config say the same). Without a cap V8 grows the old generation freely
 * under batch load (340 MB peak RSS seen in the benchmark); with it a service peaks near 200 MB. The
 * reporting consumer allocates per event: a larger young generation (fewer scavenges) gave it ~10 %
 * more ingest for ~30 MB.
 */
export function serviceNodeFlags(service: string): string[] {
  const flags = ['--max-old-space-size=160'];
  return service === 'reporting' ? [...flags, '--max-semi-space-size=32'] : flags;
}

/**
 * How far V8 lets the old generation grow past what the last full collection kept before it collects again, in
 * percent. Below a 256 MB cap V8 allows at most 30 %: a service keeping ~55 MB collected again after at most ~17 MB
 * more had been promoted, and under batch load a writer promotes each request's items (they outlive a young collection
 * while the request runs). At 100 % the writers ran about half as many full collections in an ingest, for about 20 MB more peak
 * RSS (BENCHMARKS.md). Set from inside the process: NODE_OPTIONS does not take this flag, so the image, compose and
 * k8s get it too.
 */
export const HEAP_GROWING_PERCENT = 100;

/** Applies {@link HEAP_GROWING_PERCENT}; a service's main calls it first (V8 reads it at each full collection). */
export function tuneServiceHeap(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

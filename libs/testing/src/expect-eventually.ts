/**
 * Retries an assertion until it passes or the time is up (then throws its last failure): for
 * effects that arrive asynchronously. The generous default absorbs a loaded CI machine (disk-heavy
 * database creation next to quorum-queue fsyncs); a passing assertion returns at once.
 */
export async function expectEventually<T>(
  assertion: () => T | Promise<T>,
  { timeoutMs = 45_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}

import { TokenBuckets } from './rate-limit';

describe('TokenBuckets', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => (now = 0));

  it('allows a burst, then refuses with the whole seconds until the next token, and refills at the rate', () => {
    const b = new TokenBuckets({ perSecond: 2, burst: 3 }, 100, clock);
    expect([b.take('k'), b.take('k'), b.take('k')]).toEqual([0, 0, 0]);
    expect(b.take('k')).toBe(1); // half a second to the next token: Retry-After rounds up
    now += 500;
    expect(b.take('k')).toBe(0);
    expect(b.take('k')).toBe(1);
    now += 10_000; // idle: full again, never past the burst
    expect([b.take('k'), b.take('k'), b.take('k'), b.take('k')]).toEqual([0, 0, 0, 1]);
  });

  it('a slow rate asks for more than a second', () => {
    const b = new TokenBuckets({ perSecond: 0.1, burst: 1 }, 100, clock);
    expect(b.take('k')).toBe(0);
    expect(b.take('k')).toBe(10);
  });

  it('keeps ids apart', () => {
    const b = new TokenBuckets({ perSecond: 1, burst: 1 }, 100, clock);
    expect(b.take('a')).toBe(0);
    expect(b.take('a')).toBe(1);
    expect(b.take('b')).toBe(0);
  });

  it('holds at most maxEntries buckets however many ids come, dropping the least recently used', () => {
    const b = new TokenBuckets({ perSecond: 1, burst: 1 }, 1000, clock);
    b.take('busy');
    for (let i = 0; i < 100_000; i++) {
      b.take(`attacker-${i}`);
      if (i % 500 === 0) expect(b.take('busy')).toBe(1); // used recently: kept, still empty
    }
    expect(b.size).toBe(1000);
  });

  it('says to warn once a minute per id, not per request', () => {
    const b = new TokenBuckets({ perSecond: 1, burst: 1 }, 100, clock);
    b.take('k');
    b.take('k');
    expect(b.shouldWarn('k')).toBe(true);
    expect(b.shouldWarn('k')).toBe(false);
    now += 59_000;
    expect(b.shouldWarn('k')).toBe(false);
    now += 1_000;
    expect(b.shouldWarn('k')).toBe(true);
  });
});

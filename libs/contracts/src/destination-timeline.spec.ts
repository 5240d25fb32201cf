import { dayFrom, seededRandom } from '../../../test/fixtures/destination-histories';
import { DatedVersion, destinationInForce, destinationTimeline } from './destination-timeline';

/** DESIGN.md §5 word for word: the most recently recorded version whose effective date is on or before D. */
const bruteForce = (versions: readonly DatedVersion[], day: string): number | undefined =>
  versions
    .filter((v) => v.effectiveDate <= day)
    .reduce<number | undefined>((m, v) => (m === undefined || v.version > m ? v.version : m), undefined);

const day = (offset: number) => dayFrom('2022-06-01', offset);

const spans = (versions: DatedVersion[]) => destinationTimeline(versions).map((s) => [s.from, s.until, s.destination.version]);

describe('destinationTimeline', () => {
  it('a correction recorded later with an earlier date supersedes what it corrects from its own date on', () => {
    // v1 not placed from 1 July, v2 a job from 1 October, v3 corrects: the job began on 15 August.
    const versions = [
      { version: 1, effectiveDate: '2022-07-01' },
      { version: 2, effectiveDate: '2022-10-01' },
      { version: 3, effectiveDate: '2022-08-15' },
    ];
    expect(spans(versions)).toEqual([
      ['2022-07-01', '2022-08-15', 1],
      ['2022-08-15', null, 3],
    ]);
    // Version 2 is never in force: v3 was recorded after it and holds from before its date.
    expect(destinationInForce(versions, '2022-12-31')?.version).toBe(3);
    expect(destinationInForce(versions, '2022-08-14')?.version).toBe(1);
    expect(destinationInForce(versions, '2022-06-30')).toBeUndefined();
  });

  it('versions recorded in date order follow each other; of one day, the last recorded wins', () => {
    const versions = [
      { version: 1, effectiveDate: '2022-09-01' },
      { version: 2, effectiveDate: '2022-07-01' },
      { version: 3, effectiveDate: '2022-09-01' },
      { version: 4, effectiveDate: '2022-11-01' },
      { version: 5, effectiveDate: '2022-11-01' },
    ];
    expect(spans(versions)).toEqual([
      ['2022-07-01', '2022-09-01', 2],
      ['2022-09-01', '2022-11-01', 3],
      ['2022-11-01', null, 5],
    ]);
    expect(spans([])).toEqual([]);
  });

  it('agrees with the definition for versions recorded in any order of dates, on every day, whatever order it is given them in', () => {
    const failures: string[] = [];
    for (let seed = 1; seed <= 2000; seed++) {
      const rnd = seededRandom(seed);
      const count = 1 + rnd(7);
      // Few distinct days, so that shared days, corrections backwards and forwards all occur often.
      const versions: DatedVersion[] = Array.from({ length: count }, (_, i) => ({ version: i + 1, effectiveDate: day(rnd(12)) }));
      const shuffled = [...versions];
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = rnd(i + 1);
        [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
      }
      const fail = (what: string) => failures.push(`seed ${seed}, ${JSON.stringify(versions)}: ${what}`);
      const timeline = destinationTimeline(shuffled);
      if (JSON.stringify(spans(shuffled)) !== JSON.stringify(spans(versions))) fail('depends on the order it was given the versions in');
      // Spans follow each other without gap or overlap, the last open, and each changes the version in force.
      timeline.forEach((s, i) => {
        if (s.until !== (timeline[i + 1]?.from ?? null)) fail(`span ${i} ends on ${s.until}, not where the next begins`);
        if (s.until !== null && s.from >= s.until) fail(`span ${i} is empty`);
        if (i > 0 && s.destination.version === timeline[i - 1]!.destination.version) fail(`span ${i} changes nothing`);
      });
      for (let d = -1; d <= 13; d++) {
        const found = destinationInForce(shuffled, day(d))?.version;
        if (found !== bruteForce(versions, day(d))) fail(`on ${day(d)} version ${found}, by definition ${bruteForce(versions, day(d))}`);
      }
    }
    expect(failures.slice(0, 10)).toEqual([]);
  });
});

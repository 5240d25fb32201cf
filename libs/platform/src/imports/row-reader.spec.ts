import { readingAgain, UnreadableFileError, XLSX_READ_ATTEMPTS } from './row-reader';

/** Reads that go as scripted, one script per attempt: rows, or an error thrown after the rows before it. */
function scripted(attempts: Array<Array<unknown[] | Error>>) {
  let made = 0;
  const read = async function* (): AsyncGenerator<unknown[]> {
    const script = attempts[made++] ?? [];
    for (const step of script) {
      if (step instanceof Error) throw step;
      yield step;
    }
  };
  return { read, made: () => made };
}

const collect = async (rows: AsyncGenerator<unknown[]>) => {
  const out: unknown[][] = [];
  for await (const r of rows) out.push(r);
  return out;
};

const LOST = [{ sharedString: 0 }, { sharedString: 1 }];

describe('readingAgain (the XLSX reader losing parts of the archive)', () => {
  it('reads again when the read fails before its first row, and gives the rows of the read that worked', async () => {
    const s = scripted([[new TypeError("Cannot read properties of undefined (reading 'sheets')")], [['studentId'], ['S1']]]);
    await expect(collect(readingAgain(s.read))).resolves.toEqual([['studentId'], ['S1']]);
    expect(s.made()).toBe(2);
  });

  it('reads again when the first row points into shared strings that were not read', async () => {
    const s = scripted([
      [LOST, ['S1']],
      [
        ['studentId', 'programCode'],
        ['S1', 'P1'],
      ],
    ]);
    await expect(collect(readingAgain(s.read))).resolves.toEqual([
      ['studentId', 'programCode'],
      ['S1', 'P1'],
    ]);
    expect(s.made()).toBe(2);
  });

  it(`refuses the file after ${XLSX_READ_ATTEMPTS} failed reads`, async () => {
    const s = scripted(Array.from({ length: XLSX_READ_ATTEMPTS + 1 }, () => [LOST]));
    await expect(collect(readingAgain(s.read))).rejects.toThrow(UnreadableFileError);
    expect(s.made()).toBe(XLSX_READ_ATTEMPTS);
  });

  it('fails, never reads again, once rows went out: a lost string later refuses the file rather than give it', async () => {
    const s = scripted([
      [['studentId'], ['S1'], [{ sharedString: 5 }]],
      [['studentId'], ['S1'], ['S2']],
    ]);
    const seen: unknown[][] = [];
    await expect(
      (async () => {
        for await (const r of readingAgain(s.read)) seen.push(r);
      })(),
    ).rejects.toThrow(/shared strings were not read/);
    expect(seen).toEqual([['studentId'], ['S1']]);
    expect(s.made()).toBe(1);
  });

  it('gives nothing for an empty sheet', async () => {
    await expect(collect(readingAgain(scripted([[]]).read))).resolves.toEqual([]);
  });
});

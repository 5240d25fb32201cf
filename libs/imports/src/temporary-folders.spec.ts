import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeLeftTemporaryFolders } from './row-reader';

describe('removeLeftTemporaryFolders (uploads left by a process killed mid-import)', () => {
  it("removes the folders of processes that are gone and keeps live processes' and others'", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'left-folders-'));
    try {
      // Beyond any pid_max: no such process.
      const gone = 999_999_999;
      for (const name of [
        `chanjiao-xlsx-${gone}-a1`,
        `chanjiao-csv-${gone}-b2`,
        `chanjiao-xlsx-${process.pid}-c3`,
        `chanjiao-xlsx-1-d4`,
        'other-e5',
      ])
        await mkdir(join(dir, name));
      const removed = await removeLeftTemporaryFolders(dir);
      expect(removed.sort()).toEqual([`chanjiao-csv-${gone}-b2`, `chanjiao-xlsx-${gone}-a1`]);
      // pid 1 is alive (init), this process too.
      expect((await readdir(dir)).sort()).toEqual([`chanjiao-xlsx-${process.pid}-c3`, 'chanjiao-xlsx-1-d4', 'other-e5'].sort());
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { serviceNodeFlags } from '@chanjiao/config';
import { expectEventually } from '@chanjiao/testing';
import { startStack, TestStack } from '@chanjiao/test-support';

const MiB = 1024 * 1024;

/** The most memory the process has held since it started (Linux). */
const peakRss = (pid: number) => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;

/**
 * A CSV far larger than a service's memory is imported with its memory bounded: the service runs as deployed (its own
 * process, its heap capped as in the image), and the file is a GB18030 one with no encoding given, whose encoding is
 * decided from the whole file (written to disk as it comes, checked, then read from there).
 */
describe('a large CSV import keeps the service memory bounded', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({
      services: ['enrollment'],
      processes: true,
      env: { NODE_OPTIONS: serviceNodeFlags('enrollment').join(' ') },
    });
  }, 180_000);
  afterAll(() => stack?.close(), 60_000);

  const upload = async (body: AsyncIterable<Buffer> | Buffer) => {
    const res = await fetch(`${stack.urls.enrollment}/imports/programs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.writerKey}`, 'content-type': 'text/csv' },
      body: body as never,
      duplex: 'half',
    } as RequestInit);
    return { status: res.status, body: (await res.json()) as any };
  };
  const header = 'code,name,category,level,sectors,status\r\n';

  it('imports a 256 MiB GB18030 file as a job: rows read, bad ones listed, good ones stored as written', async () => {
    // Every part of the import has been used once before the baseline is taken.
    const warm = await upload(iconv.encode(`${header}W1,暖身,46,higher_vocational,mining,open\r\n`, 'gb18030'));
    expect(warm.body.rows).toMatchObject({ created: 1 });
    const pid = stack.processes.enrollment!.child.pid!;
    const before = peakRss(pid);

    // 4,096 rows whose name is 64 KiB of Chinese (too long: row errors), then rows that are stored.
    const longName = iconv.encode('巴音郭楞职业技术学院'.repeat(3277), 'gb18030');
    const bigRows = 4096;
    const goodRows = Array.from({ length: 100 }, (_, i) => `G${i},石油化工技术${i},47,higher_vocational,chemical_materials,open`);
    async function* file() {
      yield iconv.encode(header, 'gb18030');
      for (let i = 0; i < bigRows; i++) {
        yield Buffer.from(`L${i},`);
        yield longName;
        yield Buffer.from(',46,higher_vocational,mining,open\r\n');
      }
      yield iconv.encode(`${goodRows.join('\r\n')}\r\n`, 'gb18030');
    }
    const size = bigRows * longName.length;
    expect(size).toBeGreaterThan(256 * MiB);

    // Over IMPORT_JOB_BYTES: answered 202 once the upload is on disk, then followed as a job.
    const accepted = await upload(file());
    expect(accepted).toMatchObject({ status: 202, body: { status: 'running' } });
    const res = {
      body: await expectEventually(
        async () => {
          const job = (await stack.enrollment.get(`/imports/${accepted.body.importId}`)).body;
          expect(job.status).not.toBe('running');
          return job;
        },
        { timeoutMs: 240_000, intervalMs: 1000 },
      ),
    };
    expect(res.body).toMatchObject({ status: 'completed', rows: { done: bigRows + 100, created: 100, failed: bigRows } });
    // 32,770 characters: past a cell's limit (IMPORT_MAX_CELL_CHARS, Excel's 32,767) before the API's 200.
    expect(res.body.errors[0]).toEqual({
      row: 2,
      column: 'name',
      title: 'name',
      message: expect.stringContaining('IMPORT_MAX_CELL_CHARS'),
      message_zh: '第 2 行「name」：单元格有 32770 个字符，超过 32767',
    });
    expect((await stack.enrollment.get('/programs/G99')).body.name).toBe('石油化工技术99');
    // Streamed: the peak grew by a part of the file (garbage not yet collected: about 40 MiB seen), not by the file.
    expect(peakRss(pid) - before).toBeLessThan(size / 3);
  }, 300_000);
});

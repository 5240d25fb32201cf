import { cpuUsage } from 'node:process';
import { Pool } from 'pg';
import {
  buildEvent,
  CloudEvent,
  DestinationRecorded,
  InternshipStarted,
  ProgramOpened,
  StudentEnrolled,
  StudentGraduated,
} from '@chanjiao/contracts';
import { createDataSource, dropDatabase, ensureDatabase, withDatabase } from '@chanjiao/persistence';
import { MIGRATIONS } from '../apps/reporting/src/migrations';
import { ProjectionRegistry } from '../apps/reporting/src/projection/projection.registry';
import { ProjectionUnitOfWork } from '../apps/reporting/src/projection/projection.unit-of-work';
import { ProjectionRebuild } from '../apps/reporting/src/rebuild/projection-rebuild';
import { REPORTING_ENTITIES } from '../apps/reporting/src/reporting.entities';

export interface RebuildBench {
  events: number;
  /** The raw limit beside it: the same events inserted into event_log, batches of 1,000 rows, in this run. */
  logInsertPerSec: number;
  /** Events replayed per second, from the start of the rebuild to the end of its switch. */
  rebuildPerSec: number;
  rebuildSeconds: number;
  ratioToLogInsert: number;
  /** CPU of the rebuilding process per event (PostgreSQL's not included). */
  rebuilderCpuMicrosPerEvent: number;
  readModels: number;
  counterRows: number;
  checks: Record<string, [actual: number, expected: number]>;
}

const INSTITUTION = 'BENCH';
const PROGRAMS = ['P1', 'P2', 'P3', 'P4'];

/**
 * A college's log of `n` events: programs, then per student (a fifth of `n`) an enrollment, an internship, a
 * graduation and a destination recorded then corrected; as a consumer stores them (each the body it came as).
 */
function* collegeLog(n: number): Generator<CloudEvent> {
  for (const code of PROGRAMS)
    yield buildEvent(ProgramOpened, {
      institution: INSTITUTION,
      subject: code,
      sequence: 1,
      data: {
        code,
        name: `Program ${code}`,
        category: '46',
        cluster: null,
        level: 'higher_vocational',
        sectors: ['textiles'],
        status: 'open',
      },
    });
  const students = Math.floor((n - PROGRAMS.length) / 5);
  for (let i = 0; i < students; i++) {
    const studentId = `S${i}`;
    const programCode = PROGRAMS[i % PROGRAMS.length]!;
    const cohortYear = 2019 + (i % 4);
    const graduationYear = cohortYear + 3;
    const s = { institution: INSTITUTION, subject: studentId };
    yield buildEvent(StudentEnrolled, {
      ...s,
      sequence: 1,
      data: {
        studentId,
        programCode,
        cohortYear,
        level: 'higher_vocational',
        pathway: 'regular',
        partnerInstitution: null,
        orderClassId: null,
        apprenticeship: false,
        originRegion: '652801',
      },
    });
    yield buildEvent(InternshipStarted, {
      institution: INSTITUTION,
      subject: `I${i}`,
      sequence: 1,
      data: {
        internshipId: `I${i}`,
        studentId,
        kind: 'post',
        employerPartnerId: null,
        employerName: null,
        region: i % 3 ? '652801' : '110101',
        startDate: `${cohortYear + 2}-03-01`,
        endDate: null,
      },
    });
    yield buildEvent(StudentGraduated, {
      ...s,
      sequence: 2,
      data: { studentId, date: `${graduationYear}-06-30`, graduationYear, programCode },
    });
    for (const version of [1, 2])
      yield buildEvent(DestinationRecorded, {
        ...s,
        sequence: version,
        data: {
          studentId,
          version,
          graduationYear,
          programCode,
          category: version === 1 || i % 7 ? 'contract' : 'not_placed',
          detail: version === 1 || i % 7 ? 'labor_contract' : 'seeking',
          employerPartnerId: null,
          employerName: null,
          region: '652801',
          sector: 'textiles',
          effectiveDate: `${graduationYear}-0${6 + version}-01`,
          verified: true,
        },
      });
  }
}

/**
 * The rebuild of `n` stored events (`npm run bench`'s rebuild phase): the log written to a fresh reporting database
 * (timed: the raw insert rate it is set beside), then rebuilt by `ProjectionRebuild` as `npm run reporting:rebuild`
 * runs it, in this process.
 */
export async function measureRebuild(pgServer: string, n: number, log: (line: string) => void): Promise<RebuildBench> {
  const url = withDatabase(pgServer, 'bench_rebuild');
  await dropDatabase(url);
  await ensureDatabase(url);
  const ds = createDataSource({ url, entities: REPORTING_ENTITIES, migrations: MIGRATIONS, poolSize: 2 });
  await ds.initialize();
  const pool = new Pool({ connectionString: url, max: 1 });
  try {
    await ds.runMigrations();
    let batch: CloudEvent[] = [];
    let written = 0;
    let insertMs = 0;
    const flush = async () => {
      const t = performance.now();
      await pool.query(
        `INSERT INTO event_log (id, institution, type, subject, sequence, time, event)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int[], $6::timestamptz[], $7::json[])`,
        [
          batch.map((e) => e.id),
          batch.map((e) => e.institution),
          batch.map((e) => e.type),
          batch.map((e) => e.subject),
          batch.map((e) => e.sequence),
          batch.map((e) => e.time),
          batch.map((e) => JSON.stringify(e)),
        ],
      );
      insertMs += performance.now() - t;
      written += batch.length;
      batch = [];
      if (written % 200_000 < 1000) log(`  event log: ${written.toLocaleString('en')} events written`);
    };
    for (const e of collegeLog(n)) {
      batch.push(e);
      if (batch.length === 1000) await flush();
    }
    if (batch.length) await flush();
    await pool.query('VACUUM ANALYZE event_log');

    const rebuild = new ProjectionRebuild(ds, new ProjectionUnitOfWork(ds, new ProjectionRegistry({ localRegionPrefix: '6528' })));
    const cpu = cpuUsage();
    const t = performance.now();
    let lastLog = 0;
    const done = await rebuild.run({
      batchSize: Number(process.env.REBUILD_BATCH_SIZE ?? 5000),
      onProgress: (p) => {
        if (performance.now() - lastLog > 5000 || p.phase !== 'replaying') {
          lastLog = performance.now();
          log(`  rebuild: ${p.phase} ${p.eventsReplayed.toLocaleString('en')} of ${p.eventsTotal.toLocaleString('en')}`);
        }
      },
    });
    const seconds = (performance.now() - t) / 1000;
    const used = cpuUsage(cpu);
    const count = async (sql: string) => Number((await pool.query<{ n: string }>(sql)).rows[0]!.n);
    const students = Math.floor((n - PROGRAMS.length) / 5);
    const logInsertPerSec = (written / insertMs) * 1000;
    const rebuildPerSec = done.eventsReplayed / seconds;
    return {
      events: written,
      logInsertPerSec,
      rebuildPerSec,
      rebuildSeconds: seconds,
      ratioToLogInsert: rebuildPerSec / logInsertPerSec,
      rebuilderCpuMicrosPerEvent: (used.user + used.system) / done.eventsReplayed,
      readModels: await count('SELECT count(*) AS n FROM read_model'),
      counterRows: await count('SELECT count(*) AS n FROM counter'),
      checks: {
        replayed: [done.eventsReplayed, written],
        applied: [await count('SELECT events_applied AS n FROM freshness'), written],
        intake: [await count(`SELECT sum(value) AS n FROM counter WHERE metric = 'intake'`), students],
        parked: [await count('SELECT count(*) AS n FROM stream_pending'), 0],
      },
    };
  } finally {
    await pool.end();
    await ds.destroy();
    await dropDatabase(url).catch(() => undefined);
  }
}

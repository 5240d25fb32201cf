import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { createDataSource, PgClient, sendTogether } from '@chanjiao/persistence';
import { freshDatabase, statementsOf, tapConnections } from '@chanjiao/testing';
import { upcastEvent } from '@chanjiao/contracts';
import { AllianceEventFactory } from '../../../../test/fixtures/alliance-events';
import { EnrollmentEventFactory } from '../../../../test/fixtures/enrollment-events';
import { PlacementEventFactory } from '../../../../test/fixtures/placement-events';
import { MIGRATIONS } from '../migrations';
import { REPORTING_ENTITIES } from '../reporting.entities';
import { ProjectionRegistry } from './projection.registry';
import { ProjectionUnitOfWork } from './projection.unit-of-work';

/**
 * Two transactions on one stream that has no position yet (two consumers, or two batches in flight):
 * the second must wait for the first and then see its position, or the later event would be parked
 * for good behind a predecessor that was in fact applied.
 */
describe('ProjectionUnitOfWork on a new stream (real PostgreSQL)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let ds: DataSource;
  let uow: ProjectionUnitOfWork;

  beforeAll(async () => {
    db = await freshDatabase('uow');
    ds = createDataSource({ url: db.url, entities: REPORTING_ENTITIES, migrations: MIGRATIONS });
    await ds.initialize();
    await ds.runMigrations();
    uow = new ProjectionUnitOfWork(ds, new ProjectionRegistry({ localRegionPrefix: '6528' }));
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('serializes the first events of a stream: the later one waits, then applies on top', async () => {
    const f = new EnrollmentEventFactory('UOW');
    const [first, second] = [f.enrolled('S1'), f.withdrawn('S1', '2022-10-01')];

    const a = await uow.begin([first]);
    let bBegun = false;
    const b = uow.begin([second]).then((tx) => ((bBegun = true), tx));
    // b is held by a's stream lock: give it time to get past the lock if it were not.
    await new Promise((r) => setTimeout(r, 300));
    expect(bBegun).toBe(false);
    expect(a.project(first)).toBe('applied');
    await a.commit();

    const txB = await b;
    expect(txB.project(second)).toBe('applied');
    await txB.commit();

    const [position] = await ds.query(`SELECT sequence FROM stream_position WHERE institution = 'UOW' AND subject = 'S1'`);
    expect(position).toEqual({ sequence: 2 });
    expect(await ds.query(`SELECT * FROM stream_pending`)).toEqual([]);
    const [student] = await ds.query(`SELECT state FROM read_model WHERE institution = 'UOW' AND kind = 'student' AND id = 'S1'`);
    expect(student.state).toMatchObject({ withdrawnOn: '2022-10-01' });
  });

  it('keeps events as received in the log', async () => {
    const f = new EnrollmentEventFactory('LOG');
    const e = f.enrolled('S9');
    const tx = await uow.begin([e, e]);
    tx.project(e);
    await tx.commit();
    const rows = await ds.query(`SELECT event::text AS event, sequence, subject FROM event_log WHERE id = $1`, [e.id]);
    expect(rows).toEqual([{ event: JSON.stringify(e), sequence: 1, subject: 'S9' }]);
  });

  it('keeps the body each event came in, byte for byte, where the transport hands it over', async () => {
    const f = new EnrollmentEventFactory('RAW');
    const e = f.enrolled('S1');
    // What a producer may send: other spacing and order, and an extension this consumer does not know.
    const body = JSON.stringify({ comexampleext: 'kept', ...e }, null, 1);
    const tx = await uow.begin([e], [{ body, type: e.type }]);
    tx.project(e);
    await tx.commit();
    const rows = await ds.query(`SELECT event::text AS event, type, sequence, subject FROM event_log WHERE id = $1`, [e.id]);
    expect(rows).toEqual([{ event: body, type: e.type, sequence: 1, subject: 'S1' }]);
  });

  it('a read model two streams create at once: the later commit fails as retryable and applies on top when run again', async () => {
    const f = new PlacementEventFactory('RACE');
    // Two internships of one student: two streams, one read model (the student's internships).
    const [i1, i2] = [f.internship('I1', 'S1'), f.internship('I2', 'S1')];
    const a = await uow.begin([i1]);
    const b = await uow.begin([i2]); // no stream in common: not held by a
    expect(a.project(i1)).toBe('applied');
    expect(b.project(i2)).toBe('applied');
    await a.commit();
    await expect(b.commit()).rejects.toMatchObject({ retryable: true });

    const again = await uow.begin([i2]);
    expect(again.project(i2)).toBe('applied');
    await again.commit();
    const [intern] = await ds.query(`SELECT state FROM read_model WHERE institution = 'RACE' AND kind = 'intern' AND id = 'S1'`);
    expect(Object.keys(intern.state.internships).sort()).toEqual(['I1', 'I2']);
  });
  it('takes one round trip to begin a batch and one to commit it', async () => {
    const f = new EnrollmentEventFactory('TRIPS');
    const batch = [f.enrolled('S1'), f.enrolled('S2'), f.withdrawn('S1', '2022-10-01')];
    const sent: string[][] = [];
    const { restore } = tapConnections(ds, (args, send) => {
      sent.push(statementsOf(args).map(([sql]) => sql.trim().split(/\s+/).slice(0, 2).join(' ')));
      return send(...args);
    });
    try {
      const tx = await uow.begin(batch);
      for (const e of batch) expect(tx.project(e)).toBe('applied');
      await tx.commit();
    } finally {
      restore();
    }
    expect(sent).toHaveLength(2);
    expect(sent[0]).toEqual([
      'START TRANSACTION',
      'SET LOCAL',
      'SET LOCAL',
      'SET LOCAL',
      'SET LOCAL',
      // Held shared until COMMIT: a rebuild's switch waits for this batch, or this batch for the switch.
      'SELECT pg_advisory_xact_lock_shared(21058,',
      'INSERT INTO',
      'SELECT count(pg_advisory_xact_lock(21332,',
      'SELECT p.institution,',
      'SELECT p.event',
      'SELECT m.institution,',
    ]);
    expect(sent[1]!.at(-1)).toBe('COMMIT');
  });

  it('also loads the read models that parked events change and the batch itself does not', async () => {
    const f = new PlacementEventFactory('PARK');
    const first = f.internship('I1', 'S1');
    // The internship corrected to another student number: another read model than the first event's.
    const second = f.internship('I1', 'S2');
    const a = await uow.begin([second]);
    expect(a.project(second)).toBe('parked');
    await a.commit();

    const b = await uow.begin([first]);
    expect(b.project(first)).toBe('applied');
    await b.commit();
    const interns = await ds.query(`SELECT id, state FROM read_model WHERE institution = 'PARK' AND kind = 'intern' ORDER BY id`);
    expect(interns.map((r: { id: string }) => r.id)).toEqual(['S1', 'S2']);
    expect(Object.keys(interns[1].state.internships)).toEqual(['I1']);
    expect(await ds.query(`SELECT * FROM stream_pending WHERE institution = 'PARK'`)).toEqual([]);
  });

  it('logs an upcast event at the version it came in, and upcasts a v1 event parked before its type had a v2', async () => {
    const f = new AllianceEventFactory('V1');
    // Sequence 2 parked as v1 (as reporting parked it before v2), then its predecessor, itself received as v1.
    const [first, parked] = [f.activityV1('A1', 'F1', { participants: ['E1'] }), f.activityV1('A1', 'F1', { participants: ['E1', 'E2'] })];
    await ds.query(
      `INSERT INTO stream_pending (institution, stream, subject, sequence, event) VALUES ($1, 'alliance.activity', $2, 2, $3)`,
      [parked.institution, parked.subject, JSON.stringify(parked)],
    );
    const upcast = upcastEvent(first);
    const tx = await uow.begin([upcast], [{ body: JSON.stringify(first), type: first.type }]);
    expect(tx.project(upcast)).toBe('applied');
    await tx.commit();
    const [logged] = await ds.query(`SELECT type, event FROM event_log WHERE id = $1`, [first.id]);
    expect(logged).toEqual({ type: 'alliance.activity.held.v1', event: first });
    const [activity] = await ds.query(`SELECT state FROM read_model WHERE institution = 'V1' AND kind = 'alliance_activity'`);
    expect(activity.state).toEqual(upcastEvent(parked).data);
    expect(activity.state.participantCount).toBe(2);
    expect(await ds.query(`SELECT * FROM stream_pending WHERE institution = 'V1'`)).toEqual([]);
  });

  it('reads and writes a batch of 500 streams by index probes, not by scanning tables without statistics', async () => {
    // Tables of 20,000 rows that were never analyzed: PostgreSQL's costs favour a hash join over the
    // whole table to 500 index probes, which made every batch's cost grow with the tables.
    await ds.query(`INSERT INTO stream_position SELECT 'FILL', 'filler', 'X' || g, 1 FROM generate_series(1, 20000) g`);
    await ds.query(
      `INSERT INTO read_model (institution, kind, id, state, facts) SELECT 'FILL', 'filler', 'X' || g, '{}', '[]' FROM generate_series(1, 20000) g`,
    );
    const scans = countSeqScansPerTransaction(ds);
    const f = new EnrollmentEventFactory('SCAN');
    const students = Array.from({ length: 500 }, (_, i) => `S${i}`);
    for (const batch of [students.map((s) => f.enrolled(s)), students.map((s) => f.withdrawn(s, '2022-10-01'))]) {
      const tx = await uow.begin(batch);
      for (const e of batch) expect(tx.project(e)).toBe('applied');
      await tx.commit();
    }
    scans.restore();
    // The second batch moved existing positions and updated existing read models.
    const [moved] = await ds.query(`SELECT count(*)::int AS n FROM stream_position WHERE institution = 'SCAN' AND sequence = 2`);
    expect(moved.n).toBe(500);
    expect(scans.seen).toEqual([
      { stream_position: 0, stream_pending: 0, read_model: 0 },
      { stream_position: 0, stream_pending: 0, read_model: 0 },
    ]);
  });
});

/**
 * Counts each transaction's sequential scans: read from `pg_stat_xact_user_tables` on its own connection right
 * after START TRANSACTION and just before COMMIT (the view also holds counts of earlier transactions not yet
 * flushed, hence the difference).
 */
function countSeqScansPerTransaction(ds: DataSource): { seen: Array<Record<string, number>>; restore: () => void } {
  const seen: Array<Record<string, number>> = [];
  let before: Record<string, number> = {};
  const scans = async (send: (text: string) => Promise<unknown>) => {
    const { rows } = (await send(
      `SELECT relname, seq_scan FROM pg_stat_xact_user_tables WHERE relname IN ('stream_position', 'stream_pending', 'read_model')`,
    )) as { rows: Array<{ relname: string; seq_scan: string }> };
    return Object.fromEntries(rows.map((r) => [r.relname, Number(r.seq_scan)]));
  };
  const { restore } = tapConnections(ds, async (args, send) => {
    const statements = statementsOf(args);
    const rest = (s: typeof statements) => sendTogether({ query: send } as unknown as PgClient, s);
    if (statements[0]?.[0] === 'START TRANSACTION') {
      await send('START TRANSACTION');
      before = await scans(send);
      return [[], ...(await rest(statements.slice(1)))];
    }
    if (statements.at(-1)?.[0] !== 'COMMIT') return send(...args);
    const out = await rest(statements.slice(0, -1));
    const after = await scans(send);
    seen.push(Object.fromEntries(Object.entries(after).map(([table, n]) => [table, n - (before[table] ?? 0)])));
    await send('COMMIT');
    return [...out, []];
  });
  return { seen, restore };
}

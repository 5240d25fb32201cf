import { DataSource } from 'typeorm';
import { OUTBOX_NOTIFY_CHANNEL, type OutboxRelay, type OutboxRow } from '@chanjiao/messaging';
import { createDataSource, KEYED_TRANSACTION_SETTINGS, runMigrations } from '@chanjiao/persistence';
import { WriteUnitOfWork } from '@chanjiao/write';
import { freshDatabase, sqlTextOf, tapConnections } from '@chanjiao/testing';
import { APPS } from '../scripts/apps';
import { EnrollmentEventFactory } from './fixtures/enrollment-events';

/**
 * The writers' transaction (entity rows and their outbox rows commit together, or neither) against a real
 * enrollment database. The relay is not under test: it only records the rows it is handed.
 */
describe('WriteUnitOfWork (real PostgreSQL)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let ds: DataSource;
  const kicked: OutboxRow[][] = [];
  let relayRunning = true;
  const relay = {
    isRunning: () => relayRunning,
    kick: (rows?: readonly OutboxRow[]) => kicked.push([...(rows ?? [])]),
  } as unknown as OutboxRelay;
  let uow: WriteUnitOfWork;
  const f = new EnrollmentEventFactory('UOW');
  /** What opens every write's transaction: START TRANSACTION and its settings, before the first statements. */
  const OPEN = ['START TRANSACTION', ...KEYED_TRANSACTION_SETTINGS.map(([sql]) => sql)].join(';\n');

  beforeAll(async () => {
    db = await freshDatabase('write_uow');
    ds = createDataSource({ url: db.url, entities: APPS.enrollment!.entities, migrations: APPS.enrollment!.migrations, poolSize: 2 });
    await ds.initialize();
    await runMigrations(ds);
    await ds.query(`CREATE TABLE things (id text PRIMARY KEY)`);
    uow = new WriteUnitOfWork(ds, relay);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });
  beforeEach(() => {
    kicked.length = 0;
    relayRunning = true;
  });

  /** Counts the round trips of the connections the unit of work takes (TypeORM's queries and its own). */
  function countRoundTrips(): { texts: string[]; restore: () => void } {
    const texts: string[] = [];
    const { restore } = tapConnections(ds, (args, send) => {
      texts.push(sqlTextOf(args));
      return send(...args);
    });
    return { texts, restore };
  }

  /** Connections to this database left inside a transaction. */
  const openTransactions = async () =>
    (
      await ds.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`,
      )
    )[0].n as number;

  const outboxOf = async (eventId: string) =>
    ds.query(`SELECT o.id::text, p.id IS NOT NULL AS pending FROM outbox o LEFT JOIN outbox_pending p USING (id) WHERE o.event_id = $1`, [
      eventId,
    ]);

  it('commits the rows and their outbox rows together in two round trips (read; insert, outbox and COMMIT), then hands the rows to the relay', async () => {
    const event = f.enrolled('S1');
    const trips = countRoundTrips();
    const result = await uow.run(async (m) => {
      const before = await m.query(`SELECT count(*)::int AS n FROM things WHERE id = ANY($1::text[])`, [['a', "b'c"]]);
      await m.query(`INSERT INTO things (id) VALUES ($1)`, ["b'c"]);
      return { result: before[0].n as number, events: [event] };
    });
    trips.restore();
    expect(result).toBe(0);
    expect(await ds.query(`SELECT id FROM things`)).toEqual([{ id: "b'c" }]);
    const rows = await outboxOf(event.id);
    expect(rows).toEqual([{ id: expect.any(String), pending: true }]);
    // The relay publishes the text it is handed: the one stored.
    const [stored] = await ds.query(`SELECT payload::text AS payload FROM outbox WHERE id = $1`, [rows[0].id]);
    expect(kicked).toEqual([
      [
        {
          id: rows[0].id,
          eventId: event.id,
          routingKey: event.type,
          payload: stored.payload,
          time: event.time,
          traceparent: event.traceparent,
        },
      ],
    ]);
    // START TRANSACTION with the first read; the insert waits for the outbox rows and COMMIT.
    expect(trips.texts).toHaveLength(2);
    expect(trips.texts[0]).toMatch(new RegExp(`^${OPEN};\n\\s*SELECT count`));
    expect(trips.texts[1]).toMatch(/^INSERT INTO things[\s\S]*INSERT INTO outbox[\s\S]*;\nCOMMIT$/);
  });

  it('reads asked for together share the round trip that opens the transaction; a write goes, in its place, with the next read', async () => {
    const trips = countRoundTrips();
    const result = await uow.run(async (m) => {
      const [a, b] = await Promise.all([m.query(`SELECT 1 AS one`), m.query(`SELECT $1::text AS two`, ['2'])]);
      await m.query(`INSERT INTO things (id) VALUES ($1)`, ['between']);
      const [c] = await Promise.all([m.query(`SELECT id FROM things WHERE id = $1`, ['between'])]);
      return { result: [a, b, c], events: [] };
    });
    trips.restore();
    expect(result).toEqual([[{ one: 1 }], [{ two: '2' }], [{ id: 'between' }]]);
    expect(trips.texts).toEqual([
      `${OPEN};\nSELECT 1 AS one;\nSELECT $1::text AS two`,
      'INSERT INTO things (id) VALUES ($1);\nSELECT id FROM things WHERE id = $1',
      'COMMIT',
    ]);
  });

  it('a failing read fails every read sent with it, and the write rolls back', async () => {
    await expect(
      uow.run(async (m) => {
        await m.query(`INSERT INTO things (id) VALUES ($1)`, ['doomed']);
        const [ok, bad] = await Promise.allSettled([m.query(`SELECT 1 AS one`), m.query(`SELECT * FROM no_such_table`)]);
        expect(ok.status).toBe('rejected');
        if (bad.status === 'rejected') throw bad.reason;
        return { result: undefined, events: [] };
      }),
    ).rejects.toThrow(/no_such_table/);
    expect(await ds.query(`SELECT id FROM things WHERE id = 'doomed'`)).toEqual([]);
  });

  it('a write that fails at commit (a lost race for a new id) rolls back, and the work runs again', async () => {
    let attempts = 0;
    const result = await uow.run(async (m) => {
      attempts++;
      const [found] = await m.query(`SELECT id FROM things WHERE id = $1`, ['raced']);
      if (found) return { result: 'found', events: [] };
      // Another writer creates the same row meanwhile and commits first.
      await ds.query(`INSERT INTO things (id) VALUES ($1)`, ['raced']);
      await m.query(`INSERT INTO things (id) VALUES ($1)`, ['raced']);
      return { result: 'inserted', events: [f.enrolled('S5')] };
    });
    expect({ attempts, result }).toEqual({ attempts: 2, result: 'found' });
    expect(await openTransactions()).toBe(0);
    expect(kicked).toEqual([]);
  });

  it('a statement sent alone (an UPDATE, answered by TypeORM) sees the writes waiting before it', async () => {
    const trips = countRoundTrips();
    const updated = await uow.run(async (m) => {
      await m.query(`INSERT INTO things (id) VALUES ($1)`, ['renamed-from']);
      const answer: unknown = await m.query(`UPDATE things SET id = $1 WHERE id = $2`, ['renamed-to', 'renamed-from']);
      return { result: answer, events: [] };
    });
    trips.restore();
    expect(updated).toEqual([[], 1]);
    expect(await ds.query(`SELECT id FROM things WHERE id LIKE 'renamed%'`)).toEqual([{ id: 'renamed-to' }]);
    expect(trips.texts).toEqual([`${OPEN};\nINSERT INTO things (id) VALUES ($1)`, 'UPDATE things SET id = $1 WHERE id = $2', 'COMMIT']);
  });

  it('a write that fails when sent before a statement sent alone fails that statement with its error', async () => {
    await ds.query(`INSERT INTO things (id) VALUES ($1)`, ['taken']);
    await expect(
      uow.run(async (m) => {
        await m.query(`INSERT INTO things (id) VALUES ($1)`, ['taken']);
        await m.query(`UPDATE things SET id = $1 WHERE id = $2`, ['never', 'nothing']);
        return { result: undefined, events: [] };
      }),
    ).rejects.toMatchObject({ code: '23505', table: 'things' });
    expect(await openTransactions()).toBe(0);
  });

  it('tells other instances by NOTIFY, in the commit, when no relay runs here', async () => {
    relayRunning = false;
    const listener = await ds.createQueryRunner();
    const client = (await listener.connect()) as import('pg').PoolClient;
    const notices: string[] = [];
    client.on('notification', (n) => notices.push(n.channel));
    await client.query(`LISTEN ${OUTBOX_NOTIFY_CHANNEL}`);
    try {
      const event = f.enrolled('S2');
      await uow.run(async (m) => {
        await m.query(`INSERT INTO things (id) VALUES ($1)`, ['n1']);
        return { result: undefined, events: [event] };
      });
      await new Promise((r) => setTimeout(r, 200));
      expect(notices.length).toBeGreaterThan(0);
      expect(await outboxOf(event.id)).toHaveLength(1);
    } finally {
      await client.query('UNLISTEN *');
      await listener.release();
    }
  });

  it('a failing outbox insert rolls the whole write back; the connection is left clean', async () => {
    const event = f.enrolled('S3');
    await uow.run(async () => ({ result: undefined, events: [event] }));
    // The same event id again: the outbox's unique key fails it at commit, after the row was inserted.
    await expect(
      uow.run(async (m) => {
        await m.query(`INSERT INTO things (id) VALUES ($1)`, ['lost']);
        return { result: undefined, events: [event] };
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect(await ds.query(`SELECT id FROM things WHERE id = 'lost'`)).toEqual([]);
    expect(await outboxOf(event.id)).toHaveLength(1);
    expect(await openTransactions()).toBe(0);
  });

  it('a failing first read leaves no transaction open', async () => {
    await expect(uow.run(async (m) => ({ result: await m.query(`SELECT * FROM no_such_table`), events: [] }))).rejects.toThrow(
      /no_such_table/,
    );
    expect(await openTransactions()).toBe(0);
    const ok = await uow.run(async (m) => {
      await m.query(`INSERT INTO things (id) VALUES ($1)`, ['after']);
      return { result: 'ok', events: [f.enrolled('S4')] };
    });
    expect(ok).toBe('ok');
    expect(await ds.query(`SELECT id FROM things WHERE id = 'after'`)).toEqual([{ id: 'after' }]);
  });

  it('a write whose prepared read a migration changed (the type it returns) runs again, parsed anew, and commits', async () => {
    await ds.query(`CREATE TABLE shapes (id text PRIMARY KEY, n int)`);
    await ds.query(`INSERT INTO shapes VALUES ('a', 1)`);
    const write = (id: string) => {
      let attempts = 0;
      const done = uow.run(async (m) => {
        attempts++;
        const [row] = await m.query(`SELECT n FROM shapes WHERE id = $1`, ['a']);
        await m.query(`INSERT INTO things (id) VALUES ($1)`, [id]);
        return { result: row.n as unknown, events: [f.enrolled(id)] };
      });
      return done.then((result) => ({ result, attempts }));
    };
    // Prepared on the connection the next write takes too (the pool hands out the one released last).
    expect(await write('shape-1')).toEqual({ result: 1, attempts: 1 });
    await ds.query(`ALTER TABLE shapes ALTER COLUMN n TYPE bigint`);
    // PostgreSQL refuses the statement as it was prepared; parsed again it returns the new type (int8 as text).
    expect(await write('shape-2')).toEqual({ result: '1', attempts: 2 });
    expect(await write('shape-3')).toEqual({ result: '1', attempts: 1 });
    expect(await ds.query(`SELECT id FROM things WHERE id LIKE 'shape-%' ORDER BY id`)).toEqual([
      { id: 'shape-1' },
      { id: 'shape-2' },
      { id: 'shape-3' },
    ]);
    expect(await openTransactions()).toBe(0);
  });
});

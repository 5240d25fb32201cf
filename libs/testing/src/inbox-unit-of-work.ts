import { Client } from 'pg';
import { buildEvent, CloudEvent, StudentEnrolled } from '@chanjiao/contracts';
import type { EventTransaction, EventUnitOfWork } from '@chanjiao/messaging';
import { freshDatabase } from './databases';

/**
 * A minimal real unit of work for transport tests: an `inbox` table (event ids) and an `effects`
 * table in PostgreSQL, on one connection, one transaction at a time. Handlers stage events in
 * `staged`; commit writes them. `commitDelayMs` and `failNextCommits` let a test slow or break commits.
 */
export class InboxTransaction implements EventTransaction {
  readonly staged: CloudEvent[] = [];
  private readonly discarded: string[] = [];
  constructor(
    private readonly db: Client,
    private readonly fresh: Set<string>,
    private readonly uow: InboxUnitOfWork,
    private readonly release: () => void,
  ) {}
  isFresh(id: string) {
    return this.fresh.has(id);
  }
  discard(id: string) {
    this.discarded.push(id);
  }
  async commit() {
    if (this.uow.commitDelayMs) await new Promise((r) => setTimeout(r, this.uow.commitDelayMs));
    if (this.uow.failNextCommits > 0) {
      this.uow.failNextCommits--;
      throw new Error('simulated crash before commit');
    }
    for (const e of this.staged) await this.db.query('INSERT INTO effects (event_id, student) VALUES ($1, $2)', [e.id, e.subject]);
    if (this.discarded.length) await this.db.query('DELETE FROM inbox WHERE id = ANY($1::uuid[])', [this.discarded]);
    await this.db.query('COMMIT');
    this.release();
  }
  async rollback() {
    await this.db.query('ROLLBACK');
    this.release();
  }
}

export class InboxUnitOfWork implements EventUnitOfWork<InboxTransaction> {
  failNextCommits = 0;
  commitDelayMs = 0;
  private busy = Promise.resolve();
  constructor(readonly db: Client) {}

  async begin(events: readonly CloudEvent[]) {
    await this.busy; // one connection: one transaction at a time
    let release: () => void = () => undefined;
    this.busy = new Promise((r) => (release = r));
    await this.db.query('BEGIN');
    const { rows } = await this.db.query<{ id: string }>(
      'INSERT INTO inbox (id) SELECT unnest($1::uuid[]) ON CONFLICT DO NOTHING RETURNING id',
      [events.map((e) => e.id)],
    );
    return new InboxTransaction(this.db, new Set(rows.map((r) => r.id)), this, release);
  }

  async effects(): Promise<string[]> {
    return (await this.db.query<{ student: string }>('SELECT student FROM effects ORDER BY student')).rows.map((r) => r.student);
  }
}

/** A fresh database with the inbox and effects tables, and a connected unit of work on it. */
export async function inboxDatabase(label: string): Promise<{ uow: InboxUnitOfWork; close: () => Promise<void> }> {
  const fresh = await freshDatabase(label);
  const db = new Client({ connectionString: fresh.url });
  await db.connect();
  await db.query('CREATE TABLE inbox (id uuid PRIMARY KEY); CREATE TABLE effects (event_id uuid, student text)');
  return {
    uow: new InboxUnitOfWork(db),
    close: async () => {
      await db.end();
      await fresh.drop();
    },
  };
}

/** An `enrollment.student.enrolled.v1` event for `studentId`, sequence 1. */
export const enrolledEvent = (studentId: string, traceparent?: string) =>
  buildEvent(StudentEnrolled, {
    institution: 'TEST',
    subject: studentId,
    sequence: 1,
    traceparent,
    data: {
      studentId,
      programCode: 'P1',
      cohortYear: 2022,
      level: 'secondary',
      pathway: 'regular',
      partnerInstitution: null,
      orderClassId: null,
      apprenticeship: false,
      originRegion: null,
    },
  });

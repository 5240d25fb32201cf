import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Progress and outcome of a file import, readable while it runs (`GET /imports/{importId}`). An import id is the
 * client's, and belongs to its institution: the same id in another institution is another import, which it cannot see.
 */
@Entity({ name: 'import_jobs' })
// GET /imports: an institution's imports, newest first, paged by (started_at, id).
@Index('import_jobs_recent', ['institution', 'startedAt', 'id'])
export class ImportJobEntity {
  @PrimaryColumn({ type: 'text' }) institution!: string;
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ type: 'text' }) entity!: string;
  @Column({ type: 'text' }) format!: string;
  /** running | completed | failed */
  @Column({ type: 'text' }) status!: string;
  @Column({ name: 'rows_done', type: 'integer', default: 0 }) rowsDone!: number;
  @Column({ type: 'integer', default: 0 }) created!: number;
  @Column({ type: 'integer', default: 0 }) updated!: number;
  @Column({ type: 'integer', default: 0 }) unchanged!: number;
  @Column({ type: 'integer', default: 0 }) failed!: number;
  /** The first errors (capped); `failed` counts them all. */
  @Column({ type: 'jsonb', default: () => "'[]'" }) errors!: unknown;
  @Column({ type: 'text', nullable: true }) message!: string | null;
  @Column({ name: 'started_at', type: 'timestamptz', default: () => 'now()' }) startedAt!: Date;
  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true }) finishedAt!: Date | null;
  /** The process running it (its instance id), while it runs. */
  @Column({ type: 'text', nullable: true }) owner!: string | null;
  /** Renewed while it runs: a `running` import whose heartbeat stopped was left by a process that died. */
  @Column({ name: 'heartbeat_at', type: 'timestamptz', default: () => 'now()' }) heartbeatAt!: Date;
}

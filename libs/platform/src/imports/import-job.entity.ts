import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Progress and outcome of a file import, readable while it runs (`GET /imports/{importId}`). */
@Entity({ name: 'import_jobs' })
export class ImportJobEntity {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ type: 'text' }) institution!: string;
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
}

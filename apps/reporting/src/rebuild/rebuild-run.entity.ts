import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One rebuild of the projections from the event log: its progress while it runs, its outcome after. */
@Entity({ name: 'rebuild_run' })
export class RebuildRunEntity {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  /** running | succeeded | failed */
  @Column({ type: 'text' }) state!: string;
  /** preparing | replaying | catching_up | switching | done */
  @Column({ type: 'text' }) phase!: string;
  /** Who asked: an admin key's id, or `cli`. */
  @Column({ name: 'requested_by', type: 'text' }) requestedBy!: string;
  @Column({ name: 'events_total', type: 'bigint', default: 0 }) eventsTotal!: string;
  @Column({ name: 'events_replayed', type: 'bigint', default: 0 }) eventsReplayed!: string;
  @Column({ name: 'events_caught_up', type: 'bigint', default: 0 }) eventsCaughtUp!: string;
  @Column({ name: 'started_at', type: 'timestamptz', default: () => 'now()' }) startedAt!: Date;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt!: Date;
  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true }) finishedAt!: Date | null;
  @Column({ type: 'text', nullable: true }) error!: string | null;
}

import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Every event applied, as received: the raw log, and the inbox that makes redelivery harmless. Read newest first by
 * GET /audit (the received index); GET /reports/explain reads a record's events by subject.
 */
@Entity({ name: 'event_log' })
@Index('event_log_received_idx', ['receivedAt', 'id'])
@Index('event_log_subject_idx', ['institution', 'subject'])
export class EventLogEntity {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ type: 'text' }) institution!: string;
  @Column({ type: 'text' }) type!: string;
  @Column({ type: 'text' }) subject!: string;
  @Column({ type: 'integer' }) sequence!: number;
  @Column({ type: 'timestamptz' }) time!: Date;
  /** `json`, not `jsonb`: kept as received and never queried inside, so PostgreSQL need not convert it. */
  @Column({ type: 'json' }) event!: unknown;
  @Column({ name: 'received_at', type: 'timestamptz', default: () => 'now()' }) receivedAt!: Date;
}

/** Last sequence applied per stream (`<service>.<entity>`) and subject. */
@Entity({ name: 'stream_position' })
export class StreamPositionEntity {
  @PrimaryColumn({ type: 'text' }) institution!: string;
  @PrimaryColumn({ type: 'text' }) stream!: string;
  @PrimaryColumn({ type: 'text' }) subject!: string;
  @Column({ type: 'integer' }) sequence!: number;
}

/** Events that arrived ahead of their predecessor; applied as soon as the gap closes. */
@Entity({ name: 'stream_pending' })
export class StreamPendingEntity {
  @PrimaryColumn({ type: 'text' }) institution!: string;
  @PrimaryColumn({ type: 'text' }) stream!: string;
  @PrimaryColumn({ type: 'text' }) subject!: string;
  @PrimaryColumn({ type: 'integer' }) sequence!: number;
  @Column({ type: 'jsonb' }) event!: unknown;
  @Column({ name: 'received_at', type: 'timestamptz', default: () => 'now()' }) receivedAt!: Date;
}

/** Read-model entities (programs, students, …): state and the facts it currently contributes. */
@Entity({ name: 'read_model' })
export class ReadModelEntity {
  @PrimaryColumn({ type: 'text' }) institution!: string;
  @PrimaryColumn({ type: 'text' }) kind!: string;
  @PrimaryColumn({ type: 'text' }) id!: string;
  @Column({ type: 'jsonb' }) state!: unknown;
  @Column({ type: 'jsonb' }) facts!: unknown;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt!: Date;
}

/** The aggregates reports read: sums of facts per metric, dimensions and day. */
@Entity({ name: 'counter' })
export class CounterEntity {
  @PrimaryColumn({ type: 'text' }) institution!: string;
  @PrimaryColumn({ type: 'text' }) metric!: string;
  @PrimaryColumn({ type: 'jsonb' }) dims!: unknown;
  /** '-infinity' for facts that hold from the beginning. */
  @PrimaryColumn({ type: 'date' }) day!: string;
  @Column({ type: 'bigint' }) value!: string;
}

/** How fresh an institution's figures are. */
@Entity({ name: 'freshness' })
export class FreshnessEntity {
  @PrimaryColumn({ type: 'text' }) institution!: string;
  @Column({ name: 'last_event_time', type: 'timestamptz' }) lastEventTime!: Date;
  @Column({ name: 'last_applied_at', type: 'timestamptz' }) lastAppliedAt!: Date;
  @Column({ name: 'events_applied', type: 'bigint', default: 0 }) eventsApplied!: string;
}

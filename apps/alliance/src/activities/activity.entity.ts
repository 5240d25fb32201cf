import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'alliance_activities' })
export class AllianceActivityEntity {
  @PrimaryColumn({ type: 'text' })
  institution!: string;

  @PrimaryColumn({ name: 'alliance_id', type: 'text' })
  allianceId!: string;

  @PrimaryColumn({ name: 'activity_id', type: 'text' })
  activityId!: string;

  @Column({ type: 'text' })
  kind!: string;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'date' })
  date!: string;

  @Column({ type: 'boolean' })
  online!: boolean;

  /** Distinct member ids or institution names. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  participants!: unknown;

  @Column({ name: 'participant_count', type: 'integer', nullable: true })
  participantCount!: number | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}

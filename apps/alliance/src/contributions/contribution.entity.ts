import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'alliance_contributions' })
export class AllianceContributionEntity {
  @PrimaryColumn({ type: 'text' })
  institution!: string;

  @PrimaryColumn({ name: 'alliance_id', type: 'text' })
  allianceId!: string;

  @PrimaryColumn({ name: 'contribution_id', type: 'text' })
  contributionId!: string;

  @Column({ name: 'member_id', type: 'text' })
  memberId!: string;

  @Column({ type: 'text' })
  kind!: string;

  /** CNY; never a float. */
  @Column({ type: 'numeric', precision: 15, scale: 2, nullable: true })
  amount!: string | null;

  /** Kept here only; never published (free text may name people). */
  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'date' })
  date!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}

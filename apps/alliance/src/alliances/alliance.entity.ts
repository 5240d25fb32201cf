import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'alliances' })
export class AllianceEntity {
  @PrimaryColumn({ type: 'text' })
  institution!: string;

  @PrimaryColumn({ name: 'alliance_id', type: 'text' })
  allianceId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  scope!: string;

  @Column({ type: 'text', nullable: true })
  sector!: string | null;

  @Column({ name: 'founded_on', type: 'date' })
  foundedOn!: string;

  /** This institution's role in the alliance. */
  @Column({ type: 'text' })
  role!: string;

  /** Sequence of the last event about this alliance. */
  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}

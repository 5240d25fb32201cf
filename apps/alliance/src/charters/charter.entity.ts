import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'alliance_charters' })
export class AllianceCharterEntity {
  @PrimaryColumn({ type: 'text' })
  institution!: string;

  @PrimaryColumn({ name: 'alliance_id', type: 'text' })
  allianceId!: string;

  @PrimaryColumn({ type: 'integer' })
  version!: number;

  @Column({ name: 'adopted_on', type: 'date' })
  adoptedOn!: string;

  /** Kept here only; never published. */
  @Column({ type: 'text', nullable: true })
  summary!: string | null;

  /** Ordinal among the alliance's charters = sequence of the adopted event. */
  @Column({ type: 'integer' })
  sequence!: number;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}

import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'partners' })
export class PartnerEntity {
  @PrimaryColumn({ type: 'text' })
  institution!: string;

  @PrimaryColumn({ name: 'partner_id', type: 'text' })
  partnerId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  kind!: string;

  @Column({ name: 'credit_code', type: 'text', nullable: true })
  creditCode!: string | null;

  @Column({ type: 'text' })
  sector!: string;

  @Column({ type: 'text', nullable: true })
  region!: string | null;

  @Column({ name: 'iei_level', type: 'text' })
  ieiLevel!: string;

  /** Sequence of the last event about this partner. */
  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}

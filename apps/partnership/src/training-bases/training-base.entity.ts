import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'training_bases' })
export class TrainingBaseEntity {
  @PrimaryColumn({ type: 'text' }) institution!: string;
  @PrimaryColumn({ name: 'base_id', type: 'text' }) baseId!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text' }) kind!: string;
  @Column({ type: 'text', nullable: true }) sector!: string | null;
  /** Sequence of the last event about this base (investments included: their subject is the base). */
  @Column({ type: 'integer' }) version!: number;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt!: Date;
}

@Entity({ name: 'training_base_investments' })
export class TrainingBaseInvestmentEntity {
  @PrimaryColumn({ type: 'text' }) institution!: string;
  @PrimaryColumn({ name: 'base_id', type: 'text' }) baseId!: string;
  @PrimaryColumn({ name: 'investment_id', type: 'text' }) investmentId!: string;
  /** CNY, exact. */
  @Column({ type: 'numeric', precision: 15, scale: 2 }) amount!: string;
  @Column({ type: 'text' }) source!: string;
  @Column({ type: 'date' }) date!: string;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt!: Date;
}

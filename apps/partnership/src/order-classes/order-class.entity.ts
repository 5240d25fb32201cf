import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'order_classes' })
export class OrderClassEntity {
  @PrimaryColumn({ type: 'text' }) institution!: string;
  @PrimaryColumn({ name: 'order_class_id', type: 'text' }) orderClassId!: string;
  @Column({ name: 'partner_id', type: 'text' }) partnerId!: string;
  @Column({ name: 'program_code', type: 'text' }) programCode!: string;
  @Column({ name: 'cohort_year', type: 'integer' }) cohortYear!: number;
  @Column({ type: 'integer' }) students!: number;
  /** Sequence of the last event about this order class. */
  @Column({ type: 'integer' }) version!: number;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt!: Date;
}

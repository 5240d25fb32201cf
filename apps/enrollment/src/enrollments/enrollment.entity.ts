import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'enrollments' })
export class EnrollmentEntity {
  @PrimaryColumn({ type: 'text' })
  institution!: string;

  @PrimaryColumn({ name: 'student_id', type: 'text' })
  studentId!: string;

  @Column({ name: 'program_code', type: 'text' })
  programCode!: string;

  @Column({ name: 'cohort_year', type: 'integer' })
  cohortYear!: number;

  @Column({ type: 'text' })
  level!: string;

  @Column({ type: 'text' })
  pathway!: string;

  @Column({ name: 'partner_institution', type: 'text', nullable: true })
  partnerInstitution!: string | null;

  @Column({ name: 'order_class_id', type: 'text', nullable: true })
  orderClassId!: string | null;

  @Column({ type: 'boolean', default: false })
  apprenticeship!: boolean;

  @Column({ name: 'origin_region', type: 'text', nullable: true })
  originRegion!: string | null;

  @Column({ type: 'text' })
  status!: string;

  @Column({ name: 'cancelled_on', type: 'date', nullable: true })
  cancelledOn!: string | null;

  @Column({ name: 'withdrawn_on', type: 'date', nullable: true })
  withdrawnOn!: string | null;

  @Column({ name: 'withdrawal_reason', type: 'text', nullable: true })
  withdrawalReason!: string | null;

  @Column({ name: 'graduated_on', type: 'date', nullable: true })
  graduatedOn!: string | null;

  @Column({ name: 'graduation_year', type: 'integer', nullable: true })
  graduationYear!: number | null;

  /** Program transfers in order: [{ date, fromProgramCode, programCode }]. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  transfers!: unknown;

  /** Sequence of the last event about this student. */
  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}

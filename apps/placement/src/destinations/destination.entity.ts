import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Every version of every graduate's destination; the current one is the highest version. Versions
 * are never changed or deleted, so a report can be asked for any date.
 */
@Entity({ name: 'destination_versions' })
export class DestinationVersionEntity {
  @PrimaryColumn({ type: 'text' })
  institution!: string;

  @PrimaryColumn({ name: 'student_id', type: 'text' })
  studentId!: string;

  /** 1, 2, … per student: the sequence of the event that published it. */
  @PrimaryColumn({ type: 'integer' })
  version!: number;

  @Column({ name: 'graduation_year', type: 'integer' })
  graduationYear!: number;

  @Column({ name: 'program_code', type: 'text' })
  programCode!: string;

  @Column({ type: 'text' })
  category!: string;

  @Column({ type: 'text', nullable: true })
  detail!: string | null;

  @Column({ name: 'employer_partner_id', type: 'text', nullable: true })
  employerPartnerId!: string | null;

  @Column({ name: 'employer_name', type: 'text', nullable: true })
  employerName!: string | null;

  @Column({ type: 'text', nullable: true })
  region!: string | null;

  @Column({ type: 'text', nullable: true })
  sector!: string | null;

  @Column({ name: 'effective_date', type: 'date' })
  effectiveDate!: string;

  @Column({ type: 'boolean' })
  verified!: boolean;

  @Column({ name: 'recorded_at', type: 'timestamptz', default: () => 'now()' })
  recordedAt!: Date;
}

import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity({ name: 'internships' })
@Index('internships_student_idx', ['institution', 'studentId'])
export class InternshipEntity {
  @PrimaryColumn({ type: 'text' })
  institution!: string;

  @PrimaryColumn({ name: 'internship_id', type: 'text' })
  internshipId!: string;

  @Column({ name: 'student_id', type: 'text' })
  studentId!: string;

  @Column({ type: 'text' })
  kind!: string;

  @Column({ name: 'employer_partner_id', type: 'text', nullable: true })
  employerPartnerId!: string | null;

  @Column({ name: 'employer_name', type: 'text', nullable: true })
  employerName!: string | null;

  @Column({ type: 'text' })
  region!: string;

  @Column({ name: 'start_date', type: 'date' })
  startDate!: string;

  @Column({ name: 'end_date', type: 'date', nullable: true })
  endDate!: string | null;

  /** Sequence of the last event about this internship. */
  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}

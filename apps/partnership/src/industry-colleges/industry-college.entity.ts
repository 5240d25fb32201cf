import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'industry_colleges' })
export class IndustryCollegeEntity {
  @PrimaryColumn({ type: 'text' }) institution!: string;
  @PrimaryColumn({ name: 'college_id', type: 'text' }) collegeId!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ name: 'partner_ids', type: 'text', array: true }) partnerIds!: string[];
  @Column({ name: 'program_codes', type: 'text', array: true }) programCodes!: string[];
  @Column({ name: 'founded_on', type: 'date' }) foundedOn!: string;
  /** Sequence of the last event about this industry college. */
  @Column({ type: 'integer' }) version!: number;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt!: Date;
}

import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'certificate_pilots' })
export class CertificatePilotEntity {
  @PrimaryColumn({ type: 'text' }) institution!: string;
  @PrimaryColumn({ name: 'pilot_id', type: 'text' }) pilotId!: string;
  @Column({ type: 'text' }) certificate!: string;
  @Column({ type: 'text', nullable: true }) level!: string | null;
  @Column({ name: 'partner_id', type: 'text' }) partnerId!: string;
  @Column({ name: 'program_codes', type: 'text', array: true }) programCodes!: string[];
  @Column({ name: 'launched_on', type: 'date' }) launchedOn!: string;
  /** Results by year: [{ year, trained, sat, passed }], in year order. */
  @Column({ type: 'jsonb', default: () => "'[]'" }) results!: unknown;
  /** Sequence of the last event about this pilot. */
  @Column({ type: 'integer' }) version!: number;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt!: Date;
}

import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity({ name: 'agreements' })
@Index('agreements_due_idx', ['expiresOn'], { where: `status = 'active'` })
export class AgreementEntity {
  @PrimaryColumn({ type: 'text' })
  institution!: string;

  @PrimaryColumn({ name: 'agreement_id', type: 'text' })
  agreementId!: string;

  @Column({ name: 'partner_ids', type: 'text', array: true })
  partnerIds!: string[];

  @Column({ type: 'text' })
  kind!: string;

  @Column({ type: 'text', array: true })
  forms!: string[];

  @Column({ name: 'program_codes', type: 'text', array: true })
  programCodes!: string[];

  /** Distinct sectors of the partners when signed (published with the signing). */
  @Column({ type: 'text', array: true })
  sectors!: string[];

  @Column({ name: 'signed_on', type: 'date' })
  signedOn!: string;

  @Column({ name: 'effective_from', type: 'date', nullable: true })
  effectiveFrom!: string | null;

  /** Current expiry (after renewals); null = open-ended. */
  @Column({ name: 'expires_on', type: 'date', nullable: true })
  expiresOn!: string | null;

  /** `active`, `terminated` or `expired`. */
  @Column({ type: 'text' })
  status!: string;

  @Column({ name: 'terminated_on', type: 'date', nullable: true })
  terminatedOn!: string | null;

  @Column({ name: 'termination_reason', type: 'text', nullable: true })
  terminationReason!: string | null;

  /** First day the agreement no longer held, when the expiry job marked it expired. */
  @Column({ name: 'expired_on', type: 'date', nullable: true })
  expiredOn!: string | null;

  /** Renewals in order: [{ date, expiresOn, previousExpiresOn }]. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  renewals!: unknown;

  /** Sequence of the last event about this agreement. */
  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}

import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { RowTable } from '../common/row-table';
import type { AgreementState } from './agreement.domain';

/** Agreements, keyed by (institution, agreement_id). */
@Injectable()
export class AgreementRepository extends RowTable<AgreementState> {
  constructor() {
    super(
      'agreements',
      [{ column: 'agreement_id', prop: 'agreementId', type: 'text' }],
      [
        { column: 'partner_ids', prop: 'partnerIds', type: 'text[]' },
        { column: 'kind', prop: 'kind', type: 'text' },
        { column: 'forms', prop: 'forms', type: 'text[]' },
        { column: 'program_codes', prop: 'programCodes', type: 'text[]' },
        { column: 'sectors', prop: 'sectors', type: 'text[]' },
        { column: 'signed_on', prop: 'signedOn', type: 'date' },
        { column: 'effective_from', prop: 'effectiveFrom', type: 'date' },
        { column: 'expires_on', prop: 'expiresOn', type: 'date' },
        { column: 'status', prop: 'status', type: 'text' },
        { column: 'terminated_on', prop: 'terminatedOn', type: 'date' },
        { column: 'termination_reason', prop: 'terminationReason', type: 'text' },
        { column: 'expired_on', prop: 'expiredOn', type: 'date' },
        { column: 'renewals', prop: 'renewals', type: 'jsonb' },
        { column: 'version', prop: 'version', type: 'int' },
      ],
    );
  }

  /**
   * Active agreements past their expiry, of every institution, row-locked; rows another instance
   * holds are skipped (it is expiring them), so each expiry is decided by exactly one transaction.
   */
  async lockDue(m: EntityManager, today: string, limit: number): Promise<Array<AgreementState & { institution: string }>> {
    const ids = (await m.query(
      `SELECT institution, agreement_id FROM agreements WHERE status = 'active' AND expires_on < $1::date
       ORDER BY institution, agreement_id LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [today, limit],
    )) as Array<{ institution: string; agreement_id: string }>;
    const out: Array<AgreementState & { institution: string }> = [];
    for (const institution of [...new Set(ids.map((r) => r.institution))]) {
      const mine = ids.filter((r) => r.institution === institution).map((r) => r.agreement_id);
      // Already locked by this transaction: the re-read cannot block.
      const rows = await this.list(m, institution, 'agreement_id = ANY($2::text[])', [mine]);
      out.push(...rows.map((r) => Object.assign({}, r, { institution })));
    }
    return out;
  }
}

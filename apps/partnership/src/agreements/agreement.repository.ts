import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EntityTable } from '@chanjiao/persistence';
import { AgreementEntity } from './agreement.entity';
import type { AgreementState } from './agreement.domain';

/** Agreements, keyed by (institution, agreement_id). */
@Injectable()
export class AgreementRepository extends EntityTable<AgreementState> {
  constructor() {
    super(AgreementEntity, { key: ['agreementId'] });
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

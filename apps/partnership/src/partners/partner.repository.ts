import { Injectable } from '@nestjs/common';
import { RowTable } from '../common/row-table';
import type { PartnerState } from './partner.domain';

/** Partners, keyed by (institution, partner_id). */
@Injectable()
export class PartnerRepository extends RowTable<PartnerState> {
  constructor() {
    super(
      'partners',
      [{ column: 'partner_id', prop: 'partnerId', type: 'text' }],
      [
        { column: 'name', prop: 'name', type: 'text' },
        { column: 'kind', prop: 'kind', type: 'text' },
        { column: 'credit_code', prop: 'creditCode', type: 'text' },
        { column: 'sector', prop: 'sector', type: 'text' },
        { column: 'region', prop: 'region', type: 'text' },
        { column: 'iei_level', prop: 'ieiLevel', type: 'text' },
        { column: 'version', prop: 'version', type: 'int' },
      ],
    );
  }
}

import { Injectable } from '@nestjs/common';
import { EntityTable } from '@chanjiao/persistence';
import { PartnerEntity } from './partner.entity';
import type { PartnerState } from './partner.domain';

/** Partners, keyed by (institution, partner_id). */
@Injectable()
export class PartnerRepository extends EntityTable<PartnerState> {
  constructor() {
    super(PartnerEntity, { key: ['partnerId'] });
  }
}

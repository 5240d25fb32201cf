import { Injectable } from '@nestjs/common';
import { EntityTable } from '@chanjiao/persistence';
import { OrderClassEntity } from './order-class.entity';
import type { OrderClassState } from './order-class.domain';

@Injectable()
export class OrderClassRepository extends EntityTable<OrderClassState> {
  constructor() {
    super(OrderClassEntity, { key: ['orderClassId'] });
  }
}

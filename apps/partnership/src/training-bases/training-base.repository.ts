import { Injectable } from '@nestjs/common';
import { EntityTable } from '@chanjiao/persistence';
import { TrainingBaseEntity, TrainingBaseInvestmentEntity } from './training-base.entity';
import type { TrainingBaseState, InvestmentState } from './training-base.domain';

@Injectable()
export class TrainingBaseRepository extends EntityTable<TrainingBaseState> {
  constructor() {
    super(TrainingBaseEntity, { key: ['baseId'] });
  }
}

@Injectable()
export class InvestmentRepository extends EntityTable<InvestmentState> {
  constructor() {
    super(TrainingBaseInvestmentEntity, { key: ['baseId', 'investmentId'] });
  }
}

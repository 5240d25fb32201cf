import { Injectable } from '@nestjs/common';
import { RowTable } from '../common/row-table';
import type { TrainingBaseState, InvestmentState } from './training-base.domain';

@Injectable()
export class TrainingBaseRepository extends RowTable<TrainingBaseState> {
  constructor() {
    super(
      'training_bases',
      [{ column: 'base_id', prop: 'baseId', type: 'text' }],
      [
        { column: 'name', prop: 'name', type: 'text' },
        { column: 'kind', prop: 'kind', type: 'text' },
        { column: 'sector', prop: 'sector', type: 'text' },
        { column: 'version', prop: 'version', type: 'int' },
      ],
    );
  }
}

@Injectable()
export class InvestmentRepository extends RowTable<InvestmentState> {
  constructor() {
    super(
      'training_base_investments',
      [
        { column: 'base_id', prop: 'baseId', type: 'text' },
        { column: 'investment_id', prop: 'investmentId', type: 'text' },
      ],
      [
        { column: 'amount', prop: 'amount', type: 'numeric' },
        { column: 'source', prop: 'source', type: 'text' },
        { column: 'date', prop: 'date', type: 'date' },
      ],
    );
  }
}

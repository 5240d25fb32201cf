import { Injectable } from '@nestjs/common';
import { RowTable } from '../common/row-table';
import type { OrderClassState } from './order-class.domain';

@Injectable()
export class OrderClassRepository extends RowTable<OrderClassState> {
  constructor() {
    super(
      'order_classes',
      [{ column: 'order_class_id', prop: 'orderClassId', type: 'text' }],
      [
        { column: 'partner_id', prop: 'partnerId', type: 'text' },
        { column: 'program_code', prop: 'programCode', type: 'text' },
        { column: 'cohort_year', prop: 'cohortYear', type: 'int' },
        { column: 'students', prop: 'students', type: 'int' },
        { column: 'version', prop: 'version', type: 'int' },
      ],
    );
  }
}

import { Injectable } from '@nestjs/common';
import { RowTable } from '../common/row-table';
import type { IndustryCollegeState } from './industry-college.domain';

@Injectable()
export class IndustryCollegeRepository extends RowTable<IndustryCollegeState> {
  constructor() {
    super(
      'industry_colleges',
      [{ column: 'college_id', prop: 'collegeId', type: 'text' }],
      [
        { column: 'name', prop: 'name', type: 'text' },
        { column: 'partner_ids', prop: 'partnerIds', type: 'text[]' },
        { column: 'program_codes', prop: 'programCodes', type: 'text[]' },
        { column: 'founded_on', prop: 'foundedOn', type: 'date' },
        { column: 'version', prop: 'version', type: 'int' },
      ],
    );
  }
}

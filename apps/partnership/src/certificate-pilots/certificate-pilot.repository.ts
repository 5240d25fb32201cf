import { Injectable } from '@nestjs/common';
import { RowTable } from '../common/row-table';
import type { CertificatePilotState } from './certificate-pilot.domain';

@Injectable()
export class CertificatePilotRepository extends RowTable<CertificatePilotState> {
  constructor() {
    super(
      'certificate_pilots',
      [{ column: 'pilot_id', prop: 'pilotId', type: 'text' }],
      [
        { column: 'certificate', prop: 'certificate', type: 'text' },
        { column: 'level', prop: 'level', type: 'text' },
        { column: 'partner_id', prop: 'partnerId', type: 'text' },
        { column: 'program_codes', prop: 'programCodes', type: 'text[]' },
        { column: 'launched_on', prop: 'launchedOn', type: 'date' },
        { column: 'results', prop: 'results', type: 'jsonb' },
        { column: 'version', prop: 'version', type: 'int' },
      ],
    );
  }
}

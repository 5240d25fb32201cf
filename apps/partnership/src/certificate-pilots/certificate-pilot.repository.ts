import { Injectable } from '@nestjs/common';
import { EntityTable } from '@chanjiao/persistence';
import { CertificatePilotEntity } from './certificate-pilot.entity';
import type { CertificatePilotState } from './certificate-pilot.domain';

@Injectable()
export class CertificatePilotRepository extends EntityTable<CertificatePilotState> {
  constructor() {
    super(CertificatePilotEntity, { key: ['pilotId'] });
  }
}

import { Injectable } from '@nestjs/common';
import { EntityTable } from '@chanjiao/persistence';
import { IndustryCollegeEntity } from './industry-college.entity';
import type { IndustryCollegeState } from './industry-college.domain';

@Injectable()
export class IndustryCollegeRepository extends EntityTable<IndustryCollegeState> {
  constructor() {
    super(IndustryCollegeEntity, { key: ['collegeId'] });
  }
}

import { IndustryCollegeFounded } from '@chanjiao/contracts';
import { Decision, emit, unchanged } from '@chanjiao/domain';
import { sameList, sortedSet } from '../common/lists';
import { PartnershipErrorCode as Code, fail } from '../partnership.errors';

export interface IndustryCollegeState {
  collegeId: string;
  name: string;
  partnerIds: string[];
  programCodes: string[];
  foundedOn: string;
  version: number;
}

/** POST /industry-colleges: new, or a no-op repeat; other content for a known id is a conflict. */
export function decideFound(
  existing: IndustryCollegeState | undefined,
  raw: Omit<IndustryCollegeState, 'version'>,
): Decision<IndustryCollegeState> {
  const input = Object.assign({}, raw, { partnerIds: sortedSet(raw.partnerIds), programCodes: sortedSet(raw.programCodes) });
  if (existing) {
    const same =
      existing.name === input.name &&
      existing.foundedOn === input.foundedOn &&
      sameList(existing.partnerIds, input.partnerIds) &&
      sameList(existing.programCodes, input.programCodes);
    return same
      ? unchanged(existing)
      : fail('conflict', Code.IndustryCollegeExists, `industry college ${input.collegeId} exists with other details`, 'collegeId');
  }
  return { ok: true, outcome: 'created', state: Object.assign({}, input, { version: 1 }), emit: emit(IndustryCollegeFounded, input) };
}

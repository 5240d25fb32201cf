import { CertificatePilotLaunched, CertificatePilotResultsReported } from '@chanjiao/contracts';
import { Decision, emit, unchanged } from '@chanjiao/domain';
import { sameList, sortedSet } from '../common/lists';
import { PartnershipErrorCode as Code, fail } from '../partnership.errors';

export interface PilotResults {
  year: number;
  trained: number;
  sat: number;
  passed: number;
}

export interface PilotInput {
  pilotId: string;
  certificate: string;
  level: string | null;
  partnerId: string;
  programCodes: string[];
  launchedOn: string;
}

export interface CertificatePilotState extends PilotInput {
  results: PilotResults[];
  version: number;
}

/** POST /certificate-pilots: new, or a no-op repeat; other content for a known id is a conflict. */
export function decideLaunch(existing: CertificatePilotState | undefined, raw: PilotInput): Decision<CertificatePilotState> {
  const input = Object.assign({}, raw, { programCodes: sortedSet(raw.programCodes) });
  if (existing) {
    const same =
      existing.certificate === input.certificate &&
      existing.level === input.level &&
      existing.partnerId === input.partnerId &&
      existing.launchedOn === input.launchedOn &&
      sameList(existing.programCodes, input.programCodes);
    return same ? unchanged(existing) : fail('conflict', Code.PilotExists, `pilot ${input.pilotId} exists with other details`, 'pilotId');
  }
  return {
    ok: true,
    outcome: 'created',
    state: Object.assign({}, input, { results: [], version: 1 }),
    emit: emit(CertificatePilotLaunched, input),
  };
}

/** POST /certificate-pilots/{id}/results: a year's figures; the same year again with other figures replaces them. */
export function decideResults(
  existing: CertificatePilotState | undefined,
  pilotId: string,
  r: PilotResults,
): Decision<CertificatePilotState> {
  if (!existing) return fail('not_found', Code.PilotNotFound, `no certificate pilot ${pilotId}`, 'pilotId');
  if (r.sat > r.trained) return fail('invalid', Code.InvalidResults, 'sat must not exceed trained', 'sat');
  if (r.passed > r.sat) return fail('invalid', Code.InvalidResults, 'passed must not exceed sat', 'passed');
  const before = existing.results.find((x) => x.year === r.year);
  if (before && before.trained === r.trained && before.sat === r.sat && before.passed === r.passed) return unchanged(existing);
  const entry = { year: r.year, trained: r.trained, sat: r.sat, passed: r.passed };
  const results = [...existing.results.filter((x) => x.year !== r.year), entry].sort((a, b) => a.year - b.year);
  return {
    ok: true,
    outcome: 'updated',
    state: Object.assign({}, existing, { results, version: existing.version + 1 }),
    emit: emit(CertificatePilotResultsReported, Object.assign({ pilotId }, entry)),
  };
}

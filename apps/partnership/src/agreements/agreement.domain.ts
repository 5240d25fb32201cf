import {
  AgreementExpired,
  AgreementKind,
  AgreementRenewed,
  AgreementSigned,
  AgreementTerminated,
  CooperationForm,
  Sector,
} from '@chanjiao/contracts';
import { dayAfter } from '../common/dates';
import { Decision, emit, unchanged } from '@chanjiao/domain';
import { sameList, sortedSet } from '../common/lists';
import { PartnershipErrorCode as Code, fail } from '../partnership.errors';

export type AgreementStatus = 'active' | 'terminated' | 'expired';

export interface AgreementInput {
  agreementId: string;
  partnerIds: string[];
  kind: AgreementKind;
  forms: CooperationForm[];
  programCodes: string[];
  signedOn: string;
  effectiveFrom: string | null;
  expiresOn: string | null;
}

export interface Renewal {
  date: string;
  expiresOn: string;
  previousExpiresOn: string | null;
}

export interface AgreementState extends AgreementInput {
  sectors: Sector[];
  status: AgreementStatus;
  terminatedOn: string | null;
  terminationReason: string | null;
  expiredOn: string | null;
  renewals: Renewal[];
  version: number;
}

export type AgreementCommand =
  { kind: 'termination'; date: string; reason: string | null } | { kind: 'renewal'; date: string; expiresOn: string };

export function normalizeAgreement(input: AgreementInput): AgreementInput {
  return Object.assign({}, input, {
    partnerIds: sortedSet(input.partnerIds),
    forms: sortedSet(input.forms),
    programCodes: sortedSet(input.programCodes),
  });
}

const sameInput = (a: AgreementInput, b: AgreementInput) =>
  a.kind === b.kind &&
  a.signedOn === b.signedOn &&
  a.effectiveFrom === b.effectiveFrom &&
  a.expiresOn === b.expiresOn &&
  sameList(a.partnerIds, b.partnerIds) &&
  sameList(a.forms, b.forms) &&
  sameList(a.programCodes, b.programCodes);

/** POST /agreements: a new agreement, or a no-op repeat; other content for a known id is a conflict (use the renewal/termination routes). */
export function decideSign(existing: AgreementState | undefined, raw: AgreementInput, sectors: Sector[]): Decision<AgreementState> {
  const input = normalizeAgreement(raw);
  if (existing) {
    // Renewals move expiresOn: compare with the expiry the agreement was signed with.
    const original = Object.assign({}, existing, { expiresOn: existing.renewals[0]?.previousExpiresOn ?? existing.expiresOn });
    if (sameInput(original, input)) return unchanged(existing);
    return fail(
      'conflict',
      Code.AgreementExists,
      `agreement ${input.agreementId} exists with other details; use /renewal or /termination to change it`,
      'agreementId',
    );
  }
  if (input.expiresOn && input.expiresOn < input.signedOn) {
    return fail('invalid', Code.InvalidDates, 'expiresOn must not be before signedOn', 'expiresOn');
  }
  if (input.expiresOn && input.effectiveFrom && input.expiresOn < input.effectiveFrom) {
    return fail('invalid', Code.InvalidDates, 'expiresOn must not be before effectiveFrom', 'expiresOn');
  }
  const state: AgreementState = Object.assign({}, input, {
    sectors: sortedSet(sectors),
    status: 'active' as const,
    terminatedOn: null,
    terminationReason: null,
    expiredOn: null,
    renewals: [],
    version: 1,
  });
  const { status: _s, terminatedOn: _t, terminationReason: _r, expiredOn: _e, renewals: _n, version: _v, ...data } = state;
  return { ok: true, outcome: 'created', state, emit: emit(AgreementSigned, data) };
}

/** Termination and renewal; a repeat with the same content is a no-op. */
export function decideAgreementChange(
  existing: AgreementState | undefined,
  agreementId: string,
  cmd: AgreementCommand,
): Decision<AgreementState> {
  if (!existing) return fail('not_found', Code.AgreementNotFound, `no agreement ${agreementId}`, 'agreementId');
  const next = (patch: Partial<AgreementState>, e: ReturnType<typeof emit>): Decision<AgreementState> => ({
    ok: true,
    outcome: 'updated',
    state: Object.assign({}, existing, patch, { version: existing.version + 1 }),
    emit: e,
  });
  const lastRenewal = existing.renewals.at(-1);
  const earliest = lastRenewal?.date ?? existing.signedOn;
  switch (cmd.kind) {
    case 'termination':
      if (existing.status === 'terminated') {
        return existing.terminatedOn === cmd.date
          ? unchanged(existing)
          : fail('conflict', Code.DateConflict, `agreement ${agreementId} was already terminated on ${existing.terminatedOn}`, 'date');
      }
      if (cmd.date < earliest) {
        return fail('invalid', Code.InvalidDates, `date must not be before ${earliest} (signing or last renewal)`, 'date');
      }
      // An agreement ends by itself after expiresOn: a termination dated on or before it ends it earlier, whether or not
      // the expiry job has expired it yet (so the figures do not depend on which came first); one dated after has
      // nothing left to end, again whichever came first.
      if (existing.expiresOn !== null && cmd.date > existing.expiresOn) {
        return fail(
          'conflict',
          Code.DateConflict,
          `agreement ${agreementId} ${existing.status === 'expired' ? 'expired' : 'expires'} after ${existing.expiresOn} ` +
            `(expiresOn): a termination must be dated on or before it`,
          'date',
        );
      }
      return next(
        { status: 'terminated', terminatedOn: cmd.date, terminationReason: cmd.reason, expiredOn: null },
        emit(AgreementTerminated, { agreementId, date: cmd.date }),
      );
    case 'renewal':
      if (lastRenewal && lastRenewal.date === cmd.date && lastRenewal.expiresOn === cmd.expiresOn) return unchanged(existing);
      if (existing.status === 'terminated') {
        return fail(
          'conflict',
          Code.InvalidTransition,
          `agreement ${agreementId} was terminated on ${existing.terminatedOn}; sign a new one`,
        );
      }
      if (cmd.date < earliest) {
        return fail('invalid', Code.InvalidDates, `date must not be before ${earliest} (signing or last renewal)`, 'date');
      }
      if (cmd.expiresOn < cmd.date || (existing.expiresOn !== null && cmd.expiresOn <= existing.expiresOn)) {
        return fail(
          'invalid',
          Code.InvalidDates,
          `expiresOn must be after the current expiry (${existing.expiresOn ?? 'none'}) and not before the renewal date`,
          'expiresOn',
        );
      }
      return next(
        {
          status: 'active',
          expiresOn: cmd.expiresOn,
          expiredOn: null,
          renewals: [...existing.renewals, { date: cmd.date, expiresOn: cmd.expiresOn, previousExpiresOn: existing.expiresOn }],
        },
        emit(AgreementRenewed, { agreementId, date: cmd.date, expiresOn: cmd.expiresOn, previousExpiresOn: existing.expiresOn }),
      );
    default: {
      const never: never = cmd;
      throw new Error(`unhandled command ${JSON.stringify(never)}`);
    }
  }
}

/** The expiry job: an active agreement whose expiresOn is before today becomes expired (once: it is no longer active after). */
export function decideExpiry(existing: AgreementState, today: string): Decision<AgreementState> {
  if (existing.status !== 'active' || existing.expiresOn === null || existing.expiresOn >= today) return unchanged(existing);
  const expiredOn = dayAfter(existing.expiresOn);
  return {
    ok: true,
    outcome: 'updated',
    state: Object.assign({}, existing, { status: 'expired', expiredOn, version: existing.version + 1 }),
    emit: emit(AgreementExpired, { agreementId: existing.agreementId, expiresOn: existing.expiresOn, expiredOn }),
  };
}

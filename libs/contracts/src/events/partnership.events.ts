import { z } from 'zod';
import { isCreditCode } from '../credit-code';
import { defineEvent, EventOf } from '../define-event';
import { AGREEMENT_KINDS, COOPERATION_FORMS, IEI_LEVELS, INVESTMENT_SOURCES, MONEY_PATTERN, PARTNER_KINDS, SECTORS } from '../reference';
import { zDate, zId, zRegion, zYear } from './common';

const service = 'partnership';
const zName = z.string().min(1).max(200);
const zCount = z.number().int().min(0).max(1_000_000);

/** Full partner snapshot: every partner event carries it. Organisations only; no personal data. */
export const partnerSnapshot = z.object({
  partnerId: zId,
  name: zName,
  kind: z.enum(PARTNER_KINDS),
  creditCode: z.string().refine(isCreditCode, 'must be a unified social credit code with a valid check character').nullable(),
  sector: z.enum(SECTORS),
  region: zRegion.nullable(),
  ieiLevel: z.enum(IEI_LEVELS),
});
export type PartnerSnapshot = z.infer<typeof partnerSnapshot>;

const partner = { service, entity: 'partner', subject: 'partner id', schema: partnerSnapshot } as const;
export const PartnerRegistered = defineEvent({
  ...partner,
  type: 'partnership.partner.registered.v1',
  description: 'A partner organisation (enterprise, government body, university, …) was registered. Carries the whole partner.',
});
export const PartnerUpdated = defineEvent({
  ...partner,
  type: 'partnership.partner.updated.v1',
  description: 'A partner changed (name, kind, credit code, sector, region or 产教融合型企业 level). Carries the whole partner.',
});

const agreement = { service, entity: 'agreement', subject: 'agreement id' } as const;
export const AgreementSigned = defineEvent({
  ...agreement,
  type: 'partnership.agreement.signed.v1',
  description:
    'A cooperation agreement was signed with one or more partners. `sectors` are the distinct sectors of those partners when it was signed.',
  schema: z.object({
    agreementId: zId,
    partnerIds: z.array(zId).min(1),
    kind: z.enum(AGREEMENT_KINDS),
    forms: z.array(z.enum(COOPERATION_FORMS)),
    programCodes: z.array(zId),
    sectors: z.array(z.enum(SECTORS)),
    signedOn: zDate,
    effectiveFrom: zDate.nullable(),
    expiresOn: zDate.nullable(),
  }),
});
export const AgreementTerminated = defineEvent({
  ...agreement,
  type: 'partnership.agreement.terminated.v1',
  description: 'The agreement was terminated early, from `date` on. The reason stays in the partnership service.',
  schema: z.object({ agreementId: zId, date: zDate }),
});
export const AgreementRenewed = defineEvent({
  ...agreement,
  type: 'partnership.agreement.renewed.v1',
  description: 'The agreement was renewed on `date` until `expiresOn` (an expired agreement becomes active again).',
  schema: z.object({ agreementId: zId, date: zDate, expiresOn: zDate, previousExpiresOn: zDate.nullable() }),
});
export const AgreementExpired = defineEvent({
  ...agreement,
  type: 'partnership.agreement.expired.v1',
  description:
    'The agreement ran past `expiresOn` without renewal; `expiredOn` is the first day it no longer holds. Emitted by the service itself, once per expiry.',
  schema: z.object({ agreementId: zId, expiresOn: zDate, expiredOn: zDate }),
});

const orderClassSnapshot = z.object({
  orderClassId: zId,
  partnerId: zId,
  programCode: zId,
  cohortYear: zYear,
  students: zCount,
});
const orderClass = { service, entity: 'order_class', subject: 'order class id', schema: orderClassSnapshot } as const;
export const OrderClassOpened = defineEvent({
  ...orderClass,
  type: 'partnership.order_class.opened.v1',
  description: 'An order class (订单班) was opened with a partner for a program and cohort. Carries the whole order class.',
});
export const OrderClassUpdated = defineEvent({
  ...orderClass,
  type: 'partnership.order_class.updated.v1',
  description: 'An order class changed (e.g. its number of students). Carries the whole order class.',
});

const pilot = { service, entity: 'certificate_pilot', subject: 'pilot id' } as const;
export const CertificatePilotLaunched = defineEvent({
  ...pilot,
  type: 'partnership.certificate_pilot.launched.v1',
  description: 'A "1+X" vocational skill certificate pilot was launched with a partner (the certificate body).',
  schema: z.object({
    pilotId: zId,
    certificate: zName,
    level: z.string().min(1).max(50).nullable(),
    partnerId: zId,
    programCodes: z.array(zId),
    launchedOn: zDate,
  }),
});
export const CertificatePilotResultsReported = defineEvent({
  ...pilot,
  type: 'partnership.certificate_pilot.results_reported.v1',
  description: 'Results of a pilot for a year: students trained, sat and passed (a later report for the same year replaces it).',
  schema: z.object({ pilotId: zId, year: zYear, trained: zCount, sat: zCount, passed: zCount }),
});

export const IndustryCollegeFounded = defineEvent({
  service,
  entity: 'industry_college',
  subject: 'industry college id',
  type: 'partnership.industry_college.founded.v1',
  description: 'An industry college (产业学院) was founded with one or more partners.',
  schema: z.object({ collegeId: zId, name: zName, partnerIds: z.array(zId).min(1), programCodes: z.array(zId), foundedOn: zDate }),
});

const trainingBaseSnapshot = z.object({
  baseId: zId,
  name: zName,
  kind: z.string().min(1).max(100),
  sector: z.enum(SECTORS).nullable(),
});
const base = { service, entity: 'training_base', subject: 'training base id' } as const;
export const TrainingBaseRegistered = defineEvent({
  ...base,
  type: 'partnership.training_base.registered.v1',
  description: 'A training base (实训基地) was registered. Carries the whole base.',
  schema: trainingBaseSnapshot,
});
export const TrainingBaseUpdated = defineEvent({
  ...base,
  type: 'partnership.training_base.updated.v1',
  description: 'A training base changed (name, kind, sector). Carries the whole base.',
  schema: trainingBaseSnapshot,
});
export const TrainingBaseInvestmentRecorded = defineEvent({
  ...base,
  type: 'partnership.training_base.investment_recorded.v1',
  description: 'Money invested in a training base: `amount` in CNY as a decimal string with two fraction digits (never a float).',
  schema: z.object({
    baseId: zId,
    investmentId: zId,
    amount: z.string().regex(MONEY_PATTERN),
    source: z.enum(INVESTMENT_SOURCES),
    date: zDate,
  }),
});

export const PARTNERSHIP_EVENTS = [
  PartnerRegistered,
  PartnerUpdated,
  AgreementSigned,
  AgreementTerminated,
  AgreementRenewed,
  AgreementExpired,
  OrderClassOpened,
  OrderClassUpdated,
  CertificatePilotLaunched,
  CertificatePilotResultsReported,
  IndustryCollegeFounded,
  TrainingBaseRegistered,
  TrainingBaseUpdated,
  TrainingBaseInvestmentRecorded,
] as const;

export type PartnerEvent = EventOf<typeof PartnerRegistered> | EventOf<typeof PartnerUpdated>;
export type AgreementEvent =
  | EventOf<typeof AgreementSigned>
  | EventOf<typeof AgreementTerminated>
  | EventOf<typeof AgreementRenewed>
  | EventOf<typeof AgreementExpired>;
export type OrderClassEvent = EventOf<typeof OrderClassOpened> | EventOf<typeof OrderClassUpdated>;
export type CertificatePilotEvent = EventOf<typeof CertificatePilotLaunched> | EventOf<typeof CertificatePilotResultsReported>;
export type TrainingBaseEvent =
  EventOf<typeof TrainingBaseRegistered> | EventOf<typeof TrainingBaseUpdated> | EventOf<typeof TrainingBaseInvestmentRecorded>;

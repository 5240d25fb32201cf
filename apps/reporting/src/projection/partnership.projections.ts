import {
  AgreementEvent,
  AgreementKind,
  CertificatePilotEvent,
  CloudEvent,
  CooperationForm,
  DataOf,
  EventOf,
  IndustryCollegeFounded,
  InvestmentSource,
  OrderClassEvent,
  OrderClassOpened,
  PartnerEvent,
  PartnerKind,
  Sector,
  TrainingBaseEvent,
  AgreementSigned,
  CertificatePilotLaunched,
} from '@chanjiao/contracts';
import type { Fact, Projection } from './projection';
import { CounterMetric } from './counter-metric';

/** The next calendar day of a YYYY-MM-DD date. */
export function dayAfter(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/** "403000000.5" → 40300000050: money as integer cents, exact (amounts are checked to stay below 2^53 cents). */
export function toCents(amount: string): number {
  const [whole, frac = ''] = amount.split('.');
  return Number(whole) * 100 + Number(frac.padEnd(2, '0'));
}

/** 40300000050 → "403000000.50", without floating point. */
export function formatCents(cents: number): string {
  const c = BigInt(cents);
  const sign = c < 0n ? '-' : '';
  const abs = c < 0n ? -c : c;
  return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

const min = (values: string[]): string | undefined =>
  values.reduce<string | undefined>((m, v) => (m === undefined || v < m ? v : m), undefined);

// ---------------------------------------------------------------------------------------------
// Agreements

export type AgreementStatus = 'active' | 'expired' | 'terminated';

export interface AgreementFacts {
  kind: AgreementKind;
  forms: CooperationForm[];
  sectors: Sector[];
  partnerIds: string[];
  signedOn: string;
  /** Expiry the agreement was signed with. */
  expiresOn: string | null;
  renewals: Array<{ date: string; expiresOn: string }>;
  terminatedOn: string | null;
}

export interface AgreementReadState extends AgreementFacts {
  agreementId: string;
}

/**
 * The agreement's status from day to day, from its dates alone (so reports at any asOf agree with
 * the expiry job, which uses the same rule): active from signing; expired from the day after
 * expiresOn; active again from a renewal; terminated from the termination date.
 */
export function agreementTimeline(a: AgreementFacts): Array<{ day: string; status: AgreementStatus }> {
  const raw: Array<{ day: string; status: AgreementStatus }> = [{ day: a.signedOn, status: 'active' }];
  let expiry = a.expiresOn;
  for (const r of a.renewals) {
    if (expiry && dayAfter(expiry) <= r.date) raw.push({ day: dayAfter(expiry), status: 'expired' });
    raw.push({ day: r.date, status: 'active' });
    expiry = r.expiresOn;
  }
  if (expiry && (!a.terminatedOn || dayAfter(expiry) <= a.terminatedOn)) raw.push({ day: dayAfter(expiry), status: 'expired' });
  if (a.terminatedOn) raw.push({ day: a.terminatedOn, status: 'terminated' });
  // The latest entry of a day wins; then drop entries that do not change the status.
  const byDay: Array<{ day: string; status: AgreementStatus }> = [];
  for (const e of raw) {
    if (byDay.at(-1)?.day === e.day) byDay.pop();
    byDay.push(e);
  }
  return byDay.filter((e, i) => i === 0 || byDay[i - 1]!.status !== e.status);
}

/** The groups an agreement counts in: its kind, each form, each partner sector, and "all". */
export function agreementGroups(a: Pick<AgreementFacts, 'kind' | 'forms' | 'sectors'>): Array<{ by: string; key: string }> {
  return [
    { by: 'all', key: 'all' },
    { by: 'kind', key: a.kind },
    ...a.forms.map((f) => ({ by: 'form', key: f })),
    ...a.sectors.map((s) => ({ by: 'sector', key: s })),
  ];
}

/**
 * Agreements: `partnerships.agreement_signed` (+1 on the signing day, dims by/key/year),
 * `partnerships.agreement_renewed` (+1 on each renewal day) and `partnerships.agreement_status`
 * (±1 as the status changes, so a sum up to D counts agreements by status on D).
 */
export const agreementProjection: Projection<AgreementReadState | null> = {
  kind: 'agreement',
  entityIds: (e) => [e.subject],
  initial: () => null,
  reduce(s, event: CloudEvent) {
    const e = event as AgreementEvent;
    switch (e.type) {
      case 'partnership.agreement.signed.v1':
        return {
          agreementId: e.data.agreementId,
          kind: e.data.kind,
          forms: e.data.forms,
          sectors: e.data.sectors,
          partnerIds: e.data.partnerIds,
          signedOn: e.data.signedOn,
          expiresOn: e.data.expiresOn,
          renewals: [],
          terminatedOn: null,
        };
      case 'partnership.agreement.renewed.v1':
        return s && Object.assign({}, s, { renewals: [...s.renewals, { date: e.data.date, expiresOn: e.data.expiresOn }] });
      case 'partnership.agreement.terminated.v1':
        return s && Object.assign({}, s, { terminatedOn: e.data.date });
      case 'partnership.agreement.expired.v1':
        // The timeline already expires it from its dates; the event only confirms it.
        return s;
      default: {
        const never: never = e;
        throw new Error(`agreement projection cannot apply ${(never as CloudEvent).type}`);
      }
    }
  },
  facts(a) {
    if (!a) return [];
    const facts: Fact[] = [];
    const timeline = agreementTimeline(a);
    for (const g of agreementGroups(a)) {
      facts.push({
        metric: CounterMetric.PartnershipsAgreementSigned,
        dims: Object.assign({}, g, { year: Number(a.signedOn.slice(0, 4)) }),
        day: a.signedOn,
        value: 1,
      });
      for (const r of a.renewals) {
        facts.push({
          metric: CounterMetric.PartnershipsAgreementRenewed,
          dims: Object.assign({}, g, { year: Number(r.date.slice(0, 4)) }),
          day: r.date,
          value: 1,
        });
      }
      timeline.forEach((t, i) => {
        facts.push({
          metric: CounterMetric.PartnershipsAgreementStatus,
          dims: Object.assign({}, g, { status: t.status }),
          day: t.day,
          value: 1,
        });
        if (i > 0)
          facts.push({
            metric: CounterMetric.PartnershipsAgreementStatus,
            dims: Object.assign({}, g, { status: timeline[i - 1]!.status }),
            day: t.day,
            value: -1,
          });
      });
    }
    return facts;
  },
};

// ---------------------------------------------------------------------------------------------
// Partners

export interface PartnerReadState {
  name: string | null;
  kind: PartnerKind | null;
  sector: Sector | null;
  /** Agreements naming this partner: id → kind, forms, signing day. */
  agreements: Record<string, { kind: AgreementKind; forms: CooperationForm[]; signedOn: string }>;
  /** 1+X pilots with this partner: id → launch day. */
  pilots: Record<string, string>;
}

/**
 * Partners, fed by their own stream (kind, sector) and by the agreements and pilots naming them;
 * the state is a union of the streams, so their relative order does not matter.
 * `partnerships.enterprises`: +1 for an enterprise from its first school–enterprise agreement on;
 * `partnerships.enterprises_by_sector` the same by the partner's sector.
 * `partnerships.enterprise_groups`: the same per group (kind, form, sector, year of first agreement).
 * `partnerships.pilot_partners`: +1 from the partner's first pilot on.
 */
export const partnerProjection: Projection<PartnerReadState> = {
  kind: 'partner',
  entityIds: (e) => {
    if (e.type === AgreementSigned.type) return (e as EventOf<typeof AgreementSigned>).data.partnerIds;
    if (e.type === CertificatePilotLaunched.type) return [(e as EventOf<typeof CertificatePilotLaunched>).data.partnerId];
    return [e.subject];
  },
  initial: () => ({ name: null, kind: null, sector: null, agreements: {}, pilots: {} }),
  reduce(s, event: CloudEvent) {
    const e = event as PartnerEvent | EventOf<typeof AgreementSigned> | EventOf<typeof CertificatePilotLaunched>;
    switch (e.type) {
      case 'partnership.partner.registered.v1':
      case 'partnership.partner.updated.v1':
        return Object.assign({}, s, { name: e.data.name, kind: e.data.kind, sector: e.data.sector });
      case 'partnership.agreement.signed.v1':
        return Object.assign({}, s, {
          agreements: Object.assign({}, s.agreements, {
            [e.data.agreementId]: { kind: e.data.kind, forms: e.data.forms, signedOn: e.data.signedOn },
          }),
        });
      case 'partnership.certificate_pilot.launched.v1':
        return Object.assign({}, s, { pilots: Object.assign({}, s.pilots, { [e.data.pilotId]: e.data.launchedOn }) });
      default: {
        const never: never = e;
        throw new Error(`partner projection cannot apply ${(never as CloudEvent).type}`);
      }
    }
  },
  facts(p) {
    const facts: Fact[] = [];
    const firstPilot = min(Object.values(p.pilots));
    if (firstPilot) facts.push({ metric: CounterMetric.PartnershipsPilotPartners, dims: {}, day: firstPilot, value: 1 });
    if (p.kind !== 'enterprise') return facts;
    const agreements = Object.values(p.agreements);
    const firstSe = min(agreements.filter((a) => a.kind === 'school_enterprise').map((a) => a.signedOn));
    if (firstSe) {
      facts.push({ metric: CounterMetric.PartnershipsEnterprises, dims: {}, day: firstSe, value: 1 });
      // The same count by the partner's own sector (the alignment report), so its rows sum to `partnerships.enterprises`.
      facts.push({ metric: CounterMetric.PartnershipsEnterprisesBySector, dims: { sector: p.sector }, day: firstSe, value: 1 });
    }
    const first = new Map<string, string>();
    const note = (by: string, key: string, day: string) => {
      const k = JSON.stringify([by, key]);
      const d = first.get(k);
      if (d === undefined || day < d) first.set(k, day);
    };
    for (const a of agreements) {
      note('kind', a.kind, a.signedOn);
      for (const f of a.forms) note('form', f, a.signedOn);
      if (p.sector) note('sector', p.sector, a.signedOn);
    }
    const firstAny = min(agreements.map((a) => a.signedOn));
    if (firstAny) note('year', firstAny.slice(0, 4), firstAny);
    for (const [k, day] of first) {
      const [by, key] = JSON.parse(k) as [string, string];
      facts.push({ metric: CounterMetric.PartnershipsEnterpriseGroups, dims: { by, key }, day, value: 1 });
    }
    return facts;
  },
};

// ---------------------------------------------------------------------------------------------
// Order classes, pilots, industry colleges, training bases

type OrderClassData = DataOf<typeof OrderClassOpened>;

/** Order classes by cohort and program: `partnerships.order_classes` (1 each) and `partnerships.order_class_students`. */
export const orderClassProjection: Projection<OrderClassData | null> = {
  kind: 'order_class',
  entityIds: (e) => [e.subject],
  initial: () => null,
  reduce: (_s, e) => (e as OrderClassEvent).data,
  facts(o) {
    if (!o) return [];
    const dims = { cohortYear: o.cohortYear, programCode: o.programCode };
    return [
      { metric: CounterMetric.PartnershipsOrderClasses, dims, value: 1 },
      { metric: CounterMetric.PartnershipsOrderClassStudents, dims, value: o.students },
    ];
  },
};

export interface PilotReadState {
  launchedOn: string | null;
  certificate: string | null;
  results: Record<string, { trained: number; sat: number; passed: number }>;
}

/** 1+X pilots: `partnerships.certificate_pilots` from the launch day; `partnerships.pilot_results` per results year and measure. */
export const certificatePilotProjection: Projection<PilotReadState> = {
  kind: 'certificate_pilot',
  entityIds: (e) => [e.subject],
  initial: () => ({ launchedOn: null, certificate: null, results: {} }),
  reduce(s, event) {
    const e = event as CertificatePilotEvent;
    switch (e.type) {
      case 'partnership.certificate_pilot.launched.v1':
        return Object.assign({}, s, { launchedOn: e.data.launchedOn, certificate: e.data.certificate });
      case 'partnership.certificate_pilot.results_reported.v1':
        return Object.assign({}, s, {
          results: Object.assign({}, s.results, { [e.data.year]: { trained: e.data.trained, sat: e.data.sat, passed: e.data.passed } }),
        });
      default: {
        const never: never = e;
        throw new Error(`certificate pilot projection cannot apply ${(never as CloudEvent).type}`);
      }
    }
  },
  facts(p) {
    const facts: Fact[] = [];
    if (p.launchedOn) facts.push({ metric: CounterMetric.PartnershipsCertificatePilots, dims: {}, day: p.launchedOn, value: 1 });
    for (const [year, r] of Object.entries(p.results)) {
      for (const measure of ['trained', 'sat', 'passed'] as const) {
        facts.push({ metric: CounterMetric.PartnershipsPilotResults, dims: { year: Number(year), measure }, value: r[measure] });
      }
    }
    return facts;
  },
};

/** Industry colleges: `partnerships.industry_colleges` from the founding day. */
export const industryCollegeProjection: Projection<string | null> = {
  kind: 'industry_college',
  entityIds: (e) => [e.subject],
  initial: () => null,
  reduce: (_s, e) => (e as EventOf<typeof IndustryCollegeFounded>).data.foundedOn,
  facts: (foundedOn) => (foundedOn ? [{ metric: CounterMetric.PartnershipsIndustryColleges, dims: {}, day: foundedOn, value: 1 }] : []),
};

export interface TrainingBaseReadState {
  name: string | null;
  investments: Record<string, { cents: number; source: InvestmentSource; date: string }>;
}

/** Training bases: `training_bases.investment` in integer cents on the investment's day, by source and year. */
export const trainingBaseProjection: Projection<TrainingBaseReadState> = {
  kind: 'training_base',
  entityIds: (e) => [e.subject],
  initial: () => ({ name: null, investments: {} }),
  reduce(s, event) {
    const e = event as TrainingBaseEvent;
    switch (e.type) {
      case 'partnership.training_base.registered.v1':
      case 'partnership.training_base.updated.v1':
        return Object.assign({}, s, { name: e.data.name });
      case 'partnership.training_base.investment_recorded.v1':
        return Object.assign({}, s, {
          investments: Object.assign({}, s.investments, {
            [e.data.investmentId]: { cents: toCents(e.data.amount), source: e.data.source, date: e.data.date },
          }),
        });
      default: {
        const never: never = e;
        throw new Error(`training base projection cannot apply ${(never as CloudEvent).type}`);
      }
    }
  },
  facts: (b) =>
    Object.values(b.investments).map((i) => ({
      metric: CounterMetric.TrainingBasesInvestment,
      dims: { source: i.source, year: Number(i.date.slice(0, 4)) },
      day: i.date,
      value: i.cents,
    })),
};

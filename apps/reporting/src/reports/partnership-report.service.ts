import { Injectable } from '@nestjs/common';
import { INVESTMENT_SOURCES } from '@chanjiao/contracts';
import { Page, PageRequest, toPage } from '@chanjiao/persistence';
import { AgreementReadState, agreementTimeline, formatCents } from '../projection/partnership.projections';
import { CounterRepository, rate, recordKey, total } from './counter.repository';
import type { ReportSource } from './report-reader';
import type {
  AgreementGroupRow,
  ExpiringAgreementRow,
  InvestmentFigures,
  PartnershipGrouping,
  PartnershipReportView,
} from './partnership-report.dto';
import type { OrderClassFigures, PartnershipsFigures, TrainingBasesFigures } from './report.dto';
import { CounterMetric } from '../projection/counter-metric';

interface GroupDims {
  by: string;
  key: string;
  year?: number;
  status?: string;
}

const yearStart = (year: number) => `${year}-01-01`;
const yearEnd = (year: number) => `${year}-12-31`;
const earlier = (a: string, b: string) => (a < b ? a : b);

/** Partnership figures of the overview and the partnerships reports, from the counters. */
@Injectable()
export class PartnershipReportService {
  constructor(private readonly counters: CounterRepository) {}

  /**
   * Sum of a dated metric over 1 January of the year to asOf, or to 31 December when asOf is later (DESIGN.md §5), as
   * the breakdowns of the partnerships report count it.
   */
  private async inYear(source: ReportSource, metric: CounterMetric, year: number, asOf: string, filter: Record<string, unknown> = {}) {
    if (asOf < yearStart(year)) return 0;
    const [upTo, before] = await Promise.all([
      this.counters.grandTotal(source, metric, earlier(asOf, yearEnd(year)), filter),
      this.counters.grandTotal(source, metric, yearEnd(year - 1), filter),
    ]);
    return upTo - before;
  }

  async overview(source: ReportSource, year: number, asOf: string): Promise<PartnershipsFigures> {
    const signed = (kind: string) => this.inYear(source, CounterMetric.PartnershipsAgreementSigned, year, asOf, { by: 'kind', key: kind });
    const sum = (metric: CounterMetric, at: string | null = asOf) => this.counters.grandTotal(source, metric, at);
    const [
      enterprises,
      schoolEnterpriseSigned,
      governmentSchool,
      university,
      certificatePilots,
      certificatePilotEnterprises,
      industryColleges,
      orderClasses,
    ] = await Promise.all([
      sum(CounterMetric.PartnershipsEnterprises),
      signed('school_enterprise'),
      signed('government_school'),
      signed('university'),
      sum(CounterMetric.PartnershipsCertificatePilots),
      sum(CounterMetric.PartnershipsPilotPartners),
      sum(CounterMetric.PartnershipsIndustryColleges),
      this.orderClasses(source, year),
    ]);
    return {
      enterprises,
      schoolEnterpriseSigned,
      governmentSchool,
      university,
      certificatePilots,
      certificatePilotEnterprises,
      industryColleges,
      orderClasses,
    };
  }

  async orderClasses(source: ReportSource, year: number): Promise<OrderClassFigures> {
    const [classes, students] = await Promise.all([
      this.counters.spread(source, CounterMetric.PartnershipsOrderClasses, null, { cohortYear: year }, 'programCode'),
      this.counters.grandTotal(source, CounterMetric.PartnershipsOrderClassStudents, null, { cohortYear: year }),
    ]);
    return { programs: classes.distinct, students };
  }

  async trainingBases(source: ReportSource, year: number, asOf: string): Promise<TrainingBasesFigures> {
    return { investment: formatCents(await this.inYear(source, CounterMetric.TrainingBasesInvestment, year, asOf)) };
  }

  /** Training-base investment dated from 1 January of the year to asOf (to 31 December when asOf is later), by source. */
  async investment(source: ReportSource, year: number, asOf: string): Promise<InvestmentFigures> {
    const rows =
      asOf >= yearStart(year)
        ? await this.counters.sum<{ source: string }>(source, CounterMetric.TrainingBasesInvestment, asOf, { year })
        : [];
    return {
      total: formatCents(total(rows)),
      bySource: INVESTMENT_SOURCES.map((kind) => ({
        source: kind,
        amount: formatCents(total(rows, (d: { source: string }) => d.source === kind)),
      })),
    };
  }

  /** Agreements per group, order classes, 1+X pilots, industry colleges and investment by source. */
  async report(
    source: ReportSource,
    year: number,
    asOf: string,
    by: PartnershipGrouping,
  ): Promise<Omit<PartnershipReportView, 'asOf' | 'institution' | 'institutions'>> {
    const dimsBy = by === 'year' ? 'all' : by;
    const inRange = asOf >= yearStart(year);
    const [signed, renewed, status, groups, enterprises, pilots, pilotPartners, results, colleges, investment, orderClasses] =
      await Promise.all([
        this.counters.sum<GroupDims>(source, CounterMetric.PartnershipsAgreementSigned, asOf, { by: dimsBy }),
        this.counters.sum<GroupDims>(source, CounterMetric.PartnershipsAgreementRenewed, asOf, { by: dimsBy }),
        this.counters.sum<GroupDims>(source, CounterMetric.PartnershipsAgreementStatus, asOf, { by: dimsBy }),
        this.counters.sum<GroupDims>(source, CounterMetric.PartnershipsEnterpriseGroups, asOf, { by }),
        this.counters.sum(source, CounterMetric.PartnershipsEnterprises, asOf),
        this.counters.sum(source, CounterMetric.PartnershipsCertificatePilots, asOf),
        this.counters.sum(source, CounterMetric.PartnershipsPilotPartners, asOf),
        this.counters.sum<{ measure: string }>(source, CounterMetric.PartnershipsPilotResults, null, { year }),
        this.counters.sum(source, CounterMetric.PartnershipsIndustryColleges, asOf),
        this.investment(source, year, asOf),
        this.orderClasses(source, year),
      ]);
    const statusOf = (rows: typeof status, key: string | undefined, s: string) =>
      total(rows, (d: GroupDims) => (key === undefined || d.key === key) && d.status === s);
    const inY = (d: GroupDims) => inRange && d.year === year;
    let rows: AgreementGroupRow[];
    if (by === 'year') {
      const years = [...new Set([...signed.map((r) => r.dims.year!), ...groups.map((r) => Number(r.dims.key))])]
        .filter((y) => y <= year)
        .sort();
      rows = await Promise.all(
        years.map(async (y): Promise<AgreementGroupRow> => {
          const at = earlier(yearEnd(y), asOf);
          const st = await this.counters.sum<GroupDims>(source, CounterMetric.PartnershipsAgreementStatus, at, { by: 'all' });
          return {
            key: String(y),
            signed: total(signed, (d: GroupDims) => d.year === y),
            renewed: total(renewed, (d: GroupDims) => d.year === y),
            active: statusOf(st, undefined, 'active'),
            expired: statusOf(st, undefined, 'expired'),
            terminated: statusOf(st, undefined, 'terminated'),
            enterprises: total(groups, (d: GroupDims) => d.key === String(y)),
          };
        }),
      );
    } else {
      const keys = [...new Set([...signed, ...status, ...groups].map((r) => r.dims.key))].sort();
      rows = keys.map((key) => ({
        key,
        signed: total(signed, (d: GroupDims) => d.key === key && inY(d)),
        renewed: total(renewed, (d: GroupDims) => d.key === key && inY(d)),
        active: statusOf(status, key, 'active'),
        expired: statusOf(status, key, 'expired'),
        terminated: statusOf(status, key, 'terminated'),
        enterprises: total(groups, (d: GroupDims) => d.key === key),
      }));
    }
    // Totals count each agreement once (the "all" group), whatever the grouping.
    const all = by === 'year' ? { signed, renewed, status } : await this.allGroup(source, asOf);
    const totals: AgreementGroupRow = {
      key: 'total',
      signed: total(all.signed, inY),
      renewed: total(all.renewed, inY),
      active: statusOf(all.status, undefined, 'active'),
      expired: statusOf(all.status, undefined, 'expired'),
      terminated: statusOf(all.status, undefined, 'terminated'),
      enterprises: total(enterprises),
    };
    const measure = (m: string) => total(results, (d: { measure: string }) => d.measure === m);
    return {
      year,
      date: asOf,
      by,
      rows,
      totals,
      orderClasses,
      certificatePilots: {
        pilots: total(pilots),
        partners: total(pilotPartners),
        results: {
          trained: measure('trained'),
          sat: measure('sat'),
          passed: measure('passed'),
          passRate: rate(measure('passed'), measure('sat')),
        },
      },
      industryColleges: total(colleges),
      investment,
    };
  }

  private async allGroup(source: ReportSource, asOf: string) {
    const [signed, renewed, status] = await Promise.all(
      [
        CounterMetric.PartnershipsAgreementSigned,
        CounterMetric.PartnershipsAgreementRenewed,
        CounterMetric.PartnershipsAgreementStatus,
      ].map((m) => this.counters.sum<GroupDims>(source, m, asOf, { by: 'all' })),
    );
    return { signed: signed!, renewed: renewed!, status: status! };
  }

  /**
   * Active agreements (on `from`) whose expiresOn falls within [from, from + within days], soonest first, a page at a
   * time (keyed by expiry and id, and institution when several: their ids are per institution). Only agreements with an
   * expiry (their own or a renewal's) in the window are read, and only the partners they name.
   */
  async expiring(source: ReportSource, from: string, within: number, page: PageRequest): Promise<Page<ExpiringAgreementRow>> {
    const fromMs = Date.parse(`${from}T00:00:00Z`);
    const to = new Date(fromMs + within * 86_400_000).toISOString().slice(0, 10);
    const several = source.institutions.length > 1;
    const [afterExpiry, afterId, afterInstitution] = (page.after ?? []) as [string?, string?, string?];
    const agreements = await source.query<Array<{ institution: string; state: AgreementReadState }>>(
      `SELECT institution, state FROM read_model WHERE institution = ANY($1::text[]) AND kind = 'agreement' AND state <> 'null'::jsonb
         AND (state->>'expiresOn' BETWEEN $2 AND $3
              OR EXISTS (SELECT 1 FROM jsonb_array_elements(state->'renewals') r WHERE r->>'expiresOn' BETWEEN $2 AND $3))`,
      [source.institutions, afterExpiry && afterExpiry > from ? afterExpiry : from, to],
    );
    type Found = Omit<ExpiringAgreementRow, 'partnerNames'> & { institution: string };
    const keyOf = (r: Found): string[] => (several ? [r.expiresOn, r.agreementId, r.institution] : [r.expiresOn, r.agreementId]);
    const after = page.after ? [afterExpiry!, afterId!, ...(several ? [afterInstitution!] : [])] : undefined;
    const rows: Found[] = [];
    for (const { institution, state: a } of agreements) {
      // The expiry in force on `from`: a renewal dated later does not hold yet.
      const current = a.renewals.filter((r) => r.date <= from).at(-1)?.expiresOn ?? a.expiresOn;
      if (!current) continue;
      const timeline = agreementTimeline(a).filter((t) => t.day <= from);
      if (timeline.at(-1)?.status !== 'active') continue;
      const daysLeft = Math.round((Date.parse(`${current}T00:00:00Z`) - fromMs) / 86_400_000);
      if (daysLeft < 0 || daysLeft > within) continue;
      const row: Found = {
        institution,
        agreementId: a.agreementId,
        kind: a.kind,
        forms: a.forms,
        partnerIds: a.partnerIds,
        signedOn: a.signedOn,
        expiresOn: current,
        daysLeft,
      };
      if (after !== undefined && compareKeys(keyOf(row), after) <= 0) continue;
      rows.push(row);
    }
    rows.sort((x, y) => compareKeys(keyOf(x), keyOf(y)));
    const { items, nextCursor } = toPage(rows.slice(0, page.limit + 1), page, keyOf);
    const partners = await this.counters.readModelsByIds<{ name?: string }>(
      source,
      'partner',
      items.flatMap((r) => r.partnerIds.map((id) => ({ institution: r.institution, id }))),
    );
    const name = new Map(partners.map((p) => [recordKey(p.institution, p.id), p.state.name ?? null]));
    return {
      items: items.map(({ institution, ...r }) =>
        Object.assign(several ? { institution } : {}, r, {
          partnerNames: r.partnerIds.map((id) => name.get(recordKey(institution, id)) ?? null),
        }),
      ),
      nextCursor,
    };
  }
}

/** Keys compared part by part as the cursor orders them (dates as text order as dates). */
function compareKeys(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return 0;
}

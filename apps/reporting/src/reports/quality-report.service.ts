import { Injectable } from '@nestjs/common';
import { AllianceReportService } from './alliance-report.service';
import { CounterRepository } from './counter.repository';
import { PartnershipReportService } from './partnership-report.service';
import { PlacementReportService } from './placement-report.service';
import { ReportCache } from './report-cache';
import type { QualityReportView } from './quality-report.dto';
import { qualityReportTables } from './quality-report.tables';
import { scopeFields } from './report-scope';

/** The annual quality report's tables, from the figures the overview and the other reports compute. */
@Injectable()
export class QualityReportService {
  constructor(
    private readonly placement: PlacementReportService,
    private readonly partnership: PartnershipReportService,
    private readonly alliance: AllianceReportService,
    private readonly counters: CounterRepository,
    private readonly cache: ReportCache,
  ) {}

  /** Read in one snapshot, and cached as the overview is (a CSV and an XLSX of the same figures read them once). */
  report(institutions: readonly string[], year: number, date: string): Promise<QualityReportView> {
    return this.cache.get(institutions, `quality-report|${year}|${date}`, async (source) => {
      const [destinations, internships, partnerships, alliances, investment, fresh] = await Promise.all([
        this.placement.destinations(source, year, date),
        this.placement.internships(source, year, date),
        this.partnership.overview(source, year, date),
        this.alliance.overview(source, year, date),
        this.partnership.investment(source, year, date),
        this.counters.freshness(source),
      ]);
      return Object.assign(scopeFields(institutions), {
        year,
        date,
        asOf: fresh.lastEventTime?.toISOString() ?? null,
        tables: qualityReportTables({
          graduates: destinations.figures,
          entrepreneurs: destinations.byCategory.entrepreneurship,
          internships,
          partnerships,
          alliances,
          investment,
        }),
      });
    });
  }
}

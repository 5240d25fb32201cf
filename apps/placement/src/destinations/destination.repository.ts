import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { DestinationVersion } from '@chanjiao/contracts';
import { rowsByKeys } from '@chanjiao/persistence';

const COLUMNS = `student_id AS "studentId", version, graduation_year AS "graduationYear", program_code AS "programCode", category,
  detail, employer_partner_id AS "employerPartnerId", employer_name AS "employerName", region, sector,
  to_char(effective_date, 'YYYY-MM-DD') AS "effectiveDate", verified`;

@Injectable()
export class DestinationRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Every version of a student's destination, oldest first. */
  async history(institution: string, studentId: string): Promise<DestinationVersion[]> {
    return this.dataSource.query<DestinationVersion[]>(
      `SELECT ${COLUMNS} FROM destination_versions WHERE institution = $1 AND student_id = $2 ORDER BY version`,
      [institution, studentId],
    );
  }

  /**
   * The latest version per student. No row lock is needed: two writers that both append the same
   * next version collide on the primary key, and the loser's transaction is retried (WriteUnitOfWork).
   */
  async latestMany(m: EntityManager, institution: string, studentIds: string[]): Promise<Map<string, DestinationVersion>> {
    const rows = await m.query<DestinationVersion[]>(
      rowsByKeys({ columns: COLUMNS, table: 'destination_versions', key: 'student_id', then: 'ORDER BY version DESC LIMIT 1' }),
      [institution, [...new Set(studentIds)]],
    );
    return new Map(rows.map((r) => [r.studentId, r]));
  }

  /** Appends versions (plain INSERTs: versions are never rewritten). */
  async append(m: EntityManager, institution: string, versions: DestinationVersion[]): Promise<void> {
    for (let i = 0; i < versions.length; i += 1000) {
      await m.query(
        `INSERT INTO destination_versions (institution, student_id, version, graduation_year, program_code, category, detail,
           employer_partner_id, employer_name, region, sector, effective_date, verified, recorded_at)
         SELECT $1, d."studentId", d.version, d."graduationYear", d."programCode", d.category, d.detail, d."employerPartnerId",
           d."employerName", d.region, d.sector, d."effectiveDate", d.verified, now()
         FROM json_to_recordset($2::json) AS d("studentId" text, version int, "graduationYear" int, "programCode" text,
           category text, detail text, "employerPartnerId" text, "employerName" text, region text, sector text,
           "effectiveDate" date, verified boolean)`,
        [institution, JSON.stringify(versions.slice(i, i + 1000))],
      );
    }
  }
}

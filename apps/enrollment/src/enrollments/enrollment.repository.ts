import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { inLockOrder, rowsByKeys } from '@chanjiao/persistence';
import type { EnrollmentState } from './enrollment.domain';

const COLUMNS = `student_id AS "studentId", program_code AS "programCode", cohort_year AS "cohortYear", level, pathway,
  partner_institution AS "partnerInstitution", order_class_id AS "orderClassId", apprenticeship, origin_region AS "originRegion",
  status, to_char(cancelled_on, 'YYYY-MM-DD') AS "cancelledOn", to_char(withdrawn_on, 'YYYY-MM-DD') AS "withdrawnOn",
  withdrawal_reason AS "withdrawalReason", to_char(graduated_on, 'YYYY-MM-DD') AS "graduatedOn",
  graduation_year AS "graduationYear", transfers, version`;

@Injectable()
export class EnrollmentRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(institution: string, studentId: string): Promise<EnrollmentState | undefined> {
    const rows = await this.dataSource.query<EnrollmentState[]>(
      `SELECT ${COLUMNS} FROM enrollments WHERE institution = $1 AND student_id = $2`,
      [institution, studentId],
    );
    return rows[0];
  }

  /** Loads and row-locks the students a write is about to change (in key order, to avoid deadlocks). */
  async lockMany(m: EntityManager, institution: string, studentIds: string[]): Promise<Map<string, EnrollmentState>> {
    const rows = await m.query<EnrollmentState[]>(
      rowsByKeys({ columns: COLUMNS, table: 'enrollments', key: 'student_id', then: 'FOR UPDATE' }),
      [institution, inLockOrder(studentIds)],
    );
    return new Map(rows.map((r) => [r.studentId, r]));
  }

  /**
   * Writes new and changed students. New rows are plain INSERTs: a concurrent writer of the same new
   * student fails on the primary key and its transaction is retried, seeing this one's row.
   */
  async saveMany(m: EntityManager, institution: string, created: EnrollmentState[], updated: EnrollmentState[]): Promise<void> {
    await this.write(m, institution, created, '');
    await this.write(
      m,
      institution,
      updated,
      `ON CONFLICT (institution, student_id) DO UPDATE SET program_code = excluded.program_code, status = excluded.status,
           cancelled_on = excluded.cancelled_on, withdrawn_on = excluded.withdrawn_on, withdrawal_reason = excluded.withdrawal_reason,
           graduated_on = excluded.graduated_on, graduation_year = excluded.graduation_year, transfers = excluded.transfers,
           version = excluded.version, updated_at = now()`,
    );
  }

  private async write(m: EntityManager, institution: string, states: EnrollmentState[], onConflict: string): Promise<void> {
    // json, not jsonb: PostgreSQL reads the rows without building and key-sorting a jsonb document first (a quarter
    // less per row, BENCHMARKS.md); the writers' other repositories do the same.
    for (let i = 0; i < states.length; i += 1000) {
      await m.query(
        `INSERT INTO enrollments (institution, student_id, program_code, cohort_year, level, pathway, partner_institution,
           order_class_id, apprenticeship, origin_region, status, cancelled_on, withdrawn_on, withdrawal_reason, graduated_on,
           graduation_year, transfers, version, updated_at)
         SELECT $1, e."studentId", e."programCode", e."cohortYear", e.level, e.pathway, e."partnerInstitution", e."orderClassId",
           e.apprenticeship, e."originRegion", e.status, e."cancelledOn", e."withdrawnOn", e."withdrawalReason", e."graduatedOn",
           e."graduationYear", e.transfers, e.version, now()
         FROM json_to_recordset($2::json) AS e("studentId" text, "programCode" text, "cohortYear" int, level text, pathway text,
           "partnerInstitution" text, "orderClassId" text, apprenticeship boolean, "originRegion" text, status text,
           "cancelledOn" date, "withdrawnOn" date, "withdrawalReason" text, "graduatedOn" date, "graduationYear" int,
           transfers jsonb, version int)
         ${onConflict}`,
        [institution, JSON.stringify(states.slice(i, i + 1000))],
      );
    }
  }
}

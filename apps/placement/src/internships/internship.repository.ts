import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { inLockOrder, keysetSql, Page, PageRequest, rowsByKeys, toPage } from '@chanjiao/persistence';
import type { InternshipState } from './internship.domain';

const COLUMNS = `internship_id AS "internshipId", student_id AS "studentId", kind, employer_partner_id AS "employerPartnerId",
  employer_name AS "employerName", region, to_char(start_date, 'YYYY-MM-DD') AS "startDate",
  to_char(end_date, 'YYYY-MM-DD') AS "endDate", version`;

@Injectable()
export class InternshipRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(institution: string, internshipId: string): Promise<InternshipState | undefined> {
    const rows = await this.dataSource.query<InternshipState[]>(
      `SELECT ${COLUMNS} FROM internships WHERE institution = $1 AND internship_id = $2`,
      [institution, internshipId],
    );
    return rows[0];
  }

  /** A page of a student's internships, in id order. */
  async pageByStudent(institution: string, studentId: string, page: PageRequest): Promise<Page<InternshipState>> {
    const k = keysetSql(['internship_id'], page, 3);
    const rows = await this.dataSource.query<InternshipState[]>(
      `SELECT ${COLUMNS} FROM internships WHERE institution = $1 AND student_id = $2 ${k.where && `AND ${k.where}`} ${k.orderLimit}`,
      [institution, studentId, ...k.params],
    );
    return toPage(rows, page, (r) => [r.internshipId]);
  }

  /** Loads and row-locks the internships a write is about to change (in key order, to avoid deadlocks). */
  async lockMany(m: EntityManager, institution: string, ids: string[]): Promise<Map<string, InternshipState>> {
    const rows = await m.query<InternshipState[]>(
      rowsByKeys({ columns: COLUMNS, table: 'internships', key: 'internship_id', then: 'FOR UPDATE' }),
      [institution, inLockOrder(ids)],
    );
    return new Map(rows.map((r) => [r.internshipId, r]));
  }

  /** New rows are plain INSERTs: a concurrent creator of the same id fails on the key and is retried. */
  async saveMany(m: EntityManager, institution: string, created: InternshipState[], updated: InternshipState[]): Promise<void> {
    await this.write(m, institution, created, '');
    await this.write(
      m,
      institution,
      updated,
      `ON CONFLICT (institution, internship_id) DO UPDATE SET kind = excluded.kind, employer_partner_id = excluded.employer_partner_id,
         employer_name = excluded.employer_name, region = excluded.region, start_date = excluded.start_date,
         end_date = excluded.end_date, version = excluded.version, updated_at = now()`,
    );
  }

  private async write(m: EntityManager, institution: string, states: InternshipState[], onConflict: string): Promise<void> {
    for (let i = 0; i < states.length; i += 1000) {
      await m.query(
        `INSERT INTO internships (institution, internship_id, student_id, kind, employer_partner_id, employer_name, region,
           start_date, end_date, version, updated_at)
         SELECT $1, t."internshipId", t."studentId", t.kind, t."employerPartnerId", t."employerName", t.region, t."startDate",
           t."endDate", t.version, now()
         FROM json_to_recordset($2::json) AS t("internshipId" text, "studentId" text, kind text, "employerPartnerId" text,
           "employerName" text, region text, "startDate" date, "endDate" date, version int)
         ${onConflict}`,
        [institution, JSON.stringify(states.slice(i, i + 1000))],
      );
    }
  }
}

import { Client } from 'pg';

/** The four write services, whose own tables the recount reads. */
export const WRITE_SERVICES = ['enrollment', 'placement', 'partnership', 'alliance'] as const;
export type WriteService = (typeof WRITE_SERVICES)[number];
export type WriteDatabases = Record<WriteService, string>;

export interface ProgramRecord {
  code: string;
  name: string;
  category: string;
  cluster: string | null;
  level: string;
  sectors: string[];
  status: string;
}

export interface EnrollmentRecord {
  studentId: string;
  /** The program the student is in now (after transfers). */
  programCode: string;
  cohortYear: number;
  level: string;
  pathway: string;
  cancelledOn: string | null;
  withdrawnOn: string | null;
  graduationYear: number | null;
  transfers: Array<{ date: string; fromProgramCode: string; programCode: string }>;
}

export interface InternshipRecord {
  internshipId: string;
  studentId: string;
  kind: string;
  region: string;
  startDate: string;
  endDate: string | null;
}

export interface DestinationRecord {
  studentId: string;
  version: number;
  graduationYear: number;
  programCode: string;
  category: string;
  detail: string | null;
  region: string | null;
  sector: string | null;
  effectiveDate: string;
}

export interface PartnerRecord {
  partnerId: string;
  name: string;
  kind: string;
  sector: string;
}

export interface AgreementRecord {
  agreementId: string;
  partnerIds: string[];
  kind: string;
  forms: string[];
  sectors: string[];
  signedOn: string;
  /** The expiry in force now (after renewals). */
  expiresOn: string | null;
  terminatedOn: string | null;
  renewals: Array<{ date: string; expiresOn: string; previousExpiresOn: string | null }>;
}

export interface PilotRecord {
  pilotId: string;
  partnerId: string;
  launchedOn: string;
  results: Array<{ year: number; trained: number; sat: number; passed: number }>;
}

export interface MemberPeriod {
  memberKind: string;
  role: string;
  joinedOn: string;
  roleChanges: Array<{ date: string; role: string }>;
  departedOn: string | null;
}

export interface AllianceRecord {
  allianceId: string;
  name: string;
  scope: string;
  sector: string | null;
  foundedOn: string;
  role: string;
}

export interface ActivityRecord {
  allianceId: string;
  activityId: string;
  kind: string;
  date: string;
  online: boolean;
  participants: string[];
  participantCount: number | null;
}

/** One institution's records, as the write services hold them. */
export interface InstitutionRecords {
  institution: string;
  programs: ProgramRecord[];
  enrollments: EnrollmentRecord[];
  internships: InternshipRecord[];
  destinations: DestinationRecord[];
  partners: PartnerRecord[];
  agreements: AgreementRecord[];
  orderClasses: Array<{ programCode: string; cohortYear: number; students: number }>;
  pilots: PilotRecord[];
  industryColleges: Array<{ foundedOn: string }>;
  investments: Array<{ amount: string; source: string; date: string }>;
  alliances: AllianceRecord[];
  members: Array<{ allianceId: string; memberId: string; periods: MemberPeriod[] }>;
  charters: Array<{ allianceId: string; version: number; adoptedOn: string }>;
  contributions: Array<{ allianceId: string; kind: string; amount: string | null; date: string }>;
  activities: ActivityRecord[];
}

/** Each service's tables, as SELECTs of one institution's rows ($1); dates and money as text. */
const QUERIES: Record<WriteService, Partial<Record<keyof InstitutionRecords, string>>> = {
  enrollment: {
    programs: `SELECT code, name, category, cluster, level, sectors, status FROM programs WHERE institution = $1`,
    enrollments: `SELECT student_id AS "studentId", program_code AS "programCode", cohort_year AS "cohortYear", level, pathway,
      cancelled_on::text AS "cancelledOn", withdrawn_on::text AS "withdrawnOn", graduation_year AS "graduationYear", transfers
      FROM enrollments WHERE institution = $1`,
  },
  placement: {
    internships: `SELECT internship_id AS "internshipId", student_id AS "studentId", kind, region,
      start_date::text AS "startDate", end_date::text AS "endDate" FROM internships WHERE institution = $1`,
    destinations: `SELECT student_id AS "studentId", version, graduation_year AS "graduationYear", program_code AS "programCode",
      category, detail, region, sector, effective_date::text AS "effectiveDate" FROM destination_versions WHERE institution = $1`,
  },
  partnership: {
    partners: `SELECT partner_id AS "partnerId", name, kind, sector FROM partners WHERE institution = $1`,
    agreements: `SELECT agreement_id AS "agreementId", partner_ids AS "partnerIds", kind, forms, sectors, signed_on::text AS "signedOn",
      expires_on::text AS "expiresOn", terminated_on::text AS "terminatedOn", renewals FROM agreements WHERE institution = $1`,
    orderClasses: `SELECT program_code AS "programCode", cohort_year AS "cohortYear", students FROM order_classes WHERE institution = $1`,
    pilots: `SELECT pilot_id AS "pilotId", partner_id AS "partnerId", launched_on::text AS "launchedOn", results
      FROM certificate_pilots WHERE institution = $1`,
    industryColleges: `SELECT founded_on::text AS "foundedOn" FROM industry_colleges WHERE institution = $1`,
    investments: `SELECT amount::text AS amount, source, date::text AS date FROM training_base_investments WHERE institution = $1`,
  },
  alliance: {
    alliances: `SELECT alliance_id AS "allianceId", name, scope, sector, founded_on::text AS "foundedOn", role FROM alliances WHERE institution = $1`,
    members: `SELECT alliance_id AS "allianceId", member_id AS "memberId", periods FROM alliance_members WHERE institution = $1`,
    charters: `SELECT alliance_id AS "allianceId", version, adopted_on::text AS "adoptedOn" FROM alliance_charters WHERE institution = $1`,
    contributions: `SELECT alliance_id AS "allianceId", kind, amount::text AS amount, date::text AS date
      FROM alliance_contributions WHERE institution = $1`,
    activities: `SELECT alliance_id AS "allianceId", activity_id AS "activityId", kind, date::text AS date, online, participants,
      participant_count AS "participantCount" FROM alliance_activities WHERE institution = $1`,
  },
};

/** The tables every service's institutions are found in. */
const INSTITUTION_TABLES: Record<WriteService, string[]> = {
  enrollment: ['programs', 'enrollments'],
  placement: ['internships', 'destination_versions'],
  partnership: ['partners', 'agreements', 'order_classes', 'certificate_pilots', 'industry_colleges', 'training_bases'],
  alliance: ['alliances', 'alliance_members'],
};

async function withClient<T>(url: string, work: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, application_name: 'chanjiao-verify' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Every institution any write service holds a record of, sorted. */
export async function institutionsOf(databases: WriteDatabases): Promise<string[]> {
  const found = new Set<string>();
  for (const service of WRITE_SERVICES) {
    await withClient(databases[service], async (c) => {
      const sql = INSTITUTION_TABLES[service].map((t) => `SELECT DISTINCT institution FROM ${t}`).join(' UNION ');
      for (const r of (await c.query<{ institution: string }>(sql)).rows) found.add(r.institution);
    });
  }
  return [...found].sort();
}

/** One institution's records, each service's read in one snapshot of its database. */
export async function loadRecords(databases: WriteDatabases, institution: string): Promise<InstitutionRecords> {
  const records = { institution } as InstitutionRecords;
  for (const service of WRITE_SERVICES) {
    await withClient(databases[service], async (c) => {
      await c.query('START TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
      try {
        for (const [name, sql] of Object.entries(QUERIES[service]) as Array<[keyof InstitutionRecords, string]>) {
          (records as unknown as Record<string, unknown[]>)[name] = (await c.query(sql, [institution])).rows;
        }
      } finally {
        await c.query('ROLLBACK');
      }
    });
  }
  return records;
}

/**
 * Events the write services have recorded for each institution (their outboxes keep every event), and how many are
 * not yet published. Reporting has caught up with an institution when it has applied as many and none is pending.
 */
export async function eventsWritten(databases: WriteDatabases): Promise<{ written: Map<string, number>; unpublished: number }> {
  const written = new Map<string, number>();
  let unpublished = 0;
  for (const service of WRITE_SERVICES) {
    await withClient(databases[service], async (c) => {
      const rows = await c.query<{ institution: string; n: string }>(
        `SELECT payload->>'institution' AS institution, count(*) AS n FROM outbox GROUP BY 1`,
      );
      for (const r of rows.rows) written.set(r.institution, (written.get(r.institution) ?? 0) + Number(r.n));
      unpublished += Number((await c.query<{ n: string }>(`SELECT count(*) AS n FROM outbox_pending`)).rows[0]!.n);
    });
  }
  return { written, unpublished };
}

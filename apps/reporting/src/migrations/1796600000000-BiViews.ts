import { MigrationInterface, QueryRunner } from 'typeorm';
import { DestinationCategory, LEADING_ALLIANCE_ROLES, Pathway } from '@chanjiao/contracts';
import { BI_SCHEMA, biReaderGrants, biReaderRole } from '../bi/bi-reader';
import { CounterMetric } from '../projection/counter-metric';

/** A SQL string literal. */
const lit = (text: string) => `'${text.replace(/'/g, "''")}'`;
const m = (metric: CounterMetric) => lit(metric);
const THROUGH_23: Pathway = 'through_2_3';
const NOT_PLACED: DestinationCategory = 'not_placed';
const LEADING = LEADING_ALLIANCE_ROLES.map(lit).join(', ');

/** The year a counter row's day falls in; null for '-infinity' (facts that hold from the beginning, so in every year). */
const DAY_YEAR = `CASE WHEN isfinite(day) THEN extract(year FROM day)::int END`;
/** 31 December of the year in the dims key `key` (a number wherever a projection writes it). */
const yearEnd = (key: string) => `make_date((dims->>'${key}')::int, 12, 31)`;
const hasYear = (key: string) => `jsonb_typeof(dims->'${key}') = 'number'`;

/**
 * Figures of every year of bi.institution_years from the counters `where` selects, summed first per institution, metric,
 * `key` (an expression of the row) and the year of their day; each year sees the sums dated on or before its
 * 31 December as `d` (`d.metric`, `d.key`, `d.day_year`): summed, a figure to date; with `d.day_year = y.year`, in the year.
 */
const yearByYear = (where: string, key: string, figures: string) => `
        SELECT y.institution, y.year, ${figures}
        FROM bi.institution_years y
        LEFT JOIN (SELECT institution, metric, ${key} AS key, ${DAY_YEAR} AS day_year, sum(value) AS value
                   FROM counter WHERE ${where} GROUP BY 1, 2, 3, 4) AS d
          ON d.institution = y.institution AND (d.day_year IS NULL OR d.day_year <= y.year)
        GROUP BY y.institution, y.year`;

interface BiView {
  name: string;
  /** Chinese first, English beside, as every label a clerk or leader reads. */
  comment: string;
  columns: Array<[name: string, comment: string]>;
  select: string;
}

const INSTITUTION: [string, string] = ['institution', '院校代码 / Institution code'];
const AS_OF: [string, string] = ['as_of', '统计截止日（该年 12 月 31 日）/ The date the figures are as of: 31 December of the year'];

/**
 * The figures as views (DESIGN.md §5), one row per institution and year, each summed from the counters as the report
 * services sum them, with asOf = 31 December of the year: a view's figure is the report's for `year=Y&asOf=Y-12-31`.
 * Dependencies first: a view reads only the tables and the views above it.
 */
const VIEWS: BiView[] = [
  {
    name: 'institution_years',
    comment:
      '各院校的统计年份：从最早一项年度数据（招生、毕业、实习、协议、投入、订单班、联盟、加入、活动、试点、产业学院、合作企业）的年份到最晚一项或今年（取较晚者）/ The years of each institution: from the earliest year of a yearly figure (a cohort, graduation, internship, agreement, investment, order class, alliance, join, activity, pilot, industry college, partner enterprise) to the latest or the current year, whichever is later',
    columns: [INSTITUTION, ['year', '年份 / Year']],
    // Read through the counters' key (institution, metric): the metrics that date a figure, not every counter row.
    select: `
      SELECT r.institution, y.year
      FROM (SELECT institution, min(year) AS first, max(year) AS last
            FROM (SELECT institution, (dims->>'cohortYear')::int AS year FROM counter
                  WHERE metric IN (${m(CounterMetric.Intake)}, ${m(CounterMetric.PartnershipsOrderClasses)})
                  UNION ALL
                  SELECT institution, (dims->>'graduationYear')::int FROM counter WHERE metric = ${m(CounterMetric.Graduates)}
                  UNION ALL
                  SELECT institution, (dims->>'year')::int FROM counter
                  WHERE metric IN (${m(CounterMetric.InternshipsStudents)}, ${m(CounterMetric.PartnershipsAgreementSigned)},
                                   ${m(CounterMetric.TrainingBasesInvestment)}, ${m(CounterMetric.AllianceJoins)},
                                   ${m(CounterMetric.AllianceActivities)})
                  UNION ALL
                  SELECT institution, ${DAY_YEAR} FROM counter
                  WHERE metric IN (${m(CounterMetric.Alliances)}, ${m(CounterMetric.PartnershipsEnterprises)},
                                   ${m(CounterMetric.PartnershipsCertificatePilots)}, ${m(CounterMetric.PartnershipsIndustryColleges)})) AS years
            GROUP BY institution) AS r
      CROSS JOIN LATERAL generate_series(r.first, greatest(r.last, extract(year FROM current_date)::int)) AS y(year)`,
  },
  {
    name: 'open_programs',
    comment:
      '当前开设的专业数（按层次、专业大类、专业群、是否对接重点产业），不随年份变化 / Programs open now, by level, category, cluster and alignment with a key sector (programs carry no dates: no year)',
    columns: [
      INSTITUTION,
      ['level', '层次 / Level (secondary, higher_vocational, undergraduate)'],
      ['category', '专业大类代码 / Program category code'],
      ['cluster', '专业群 / Program cluster'],
      ['aligned', '是否对接重点产业 / Mapped to a key sector (not other)'],
      ['programs', '开设专业数 / Open programs'],
    ],
    select: `
      SELECT institution, dims->>'level', dims->>'category', dims->>'cluster', coalesce(dims->'aligned' = 'true'::jsonb, false),
             sum(value)::bigint
      FROM counter WHERE metric = ${m(CounterMetric.ProgramsOpen)}
      GROUP BY 1, 2, 3, 4, 5 HAVING sum(value) <> 0`,
  },
  {
    name: 'intake',
    comment: `招生人数与退学人数（按入学年份、层次、培养路径），截至入学当年 12 月 31 日；年度招生总数不含 ${THROUGH_23}（2+3 贯通，另计）/ Intake and withdrawals by cohort year, level and pathway as of 31 December of the cohort year; the year's intake total leaves out pathway ${THROUGH_23} (counted apart)`,
    columns: [
      INSTITUTION,
      ['cohort_year', '入学年份 / Cohort year'],
      AS_OF,
      ['level', '层次 / Level'],
      ['pathway', '培养路径 / Pathway'],
      ['intake', '招生人数（截止日前未注销）/ Enrolled, with no cancellation dated on or before as_of'],
      ['withdrawals', '退学人数（截止日前）/ Withdrawals dated on or before as_of'],
    ],
    select: `
      SELECT institution, (dims->>'cohortYear')::int, ${yearEnd('cohortYear')}, dims->>'level', dims->>'pathway',
             coalesce(sum(value) FILTER (WHERE metric = ${m(CounterMetric.Intake)}), 0)::bigint,
             coalesce(sum(value) FILTER (WHERE metric = ${m(CounterMetric.Withdrawals)}), 0)::bigint
      FROM counter
      WHERE metric IN (${m(CounterMetric.Intake)}, ${m(CounterMetric.Withdrawals)}) AND ${hasYear('cohortYear')}
        AND day <= ${yearEnd('cohortYear')}
      GROUP BY 1, 2, 3, 4, 5
      HAVING sum(value) FILTER (WHERE metric = ${m(CounterMetric.Intake)}) <> 0
          OR sum(value) FILTER (WHERE metric = ${m(CounterMetric.Withdrawals)}) <> 0`,
  },
  {
    name: 'graduates',
    comment:
      '毕业生人数、已就业（去向落实）人数与就业率、本地就业人数（按毕业年份），截至毕业当年 12 月 31 日 / Graduates, those placed and the placement rate, and local employment, by graduation year, as of 31 December of that year',
    columns: [
      INSTITUTION,
      ['graduation_year', '毕业年份 / Graduation year'],
      AS_OF,
      ['graduates', '毕业生人数 / Graduates'],
      ['placed', `去向落实人数（截止日有效去向不是 ${NOT_PLACED}）/ Placed: the destination in force on as_of is not ${NOT_PLACED}`],
      ['not_placed', '未落实人数（含无去向记录者）/ Not placed, graduates with no destination in force included'],
      ['placement_rate', '去向落实率（4 位小数）/ Placement rate, placed / graduates to 4 decimals (0 with no graduates)'],
      ['local_employed', '本地就业人数（协议、灵活就业、创业且地区为本地）/ Placed in contract, flexible or entrepreneurship in a local region'],
    ],
    select: `
      WITH counted AS (
        SELECT institution, (dims->>'graduationYear')::int AS year, sum(value) AS graduates, 0 AS placed, 0 AS local_employed
        FROM counter WHERE metric = ${m(CounterMetric.Graduates)} AND ${hasYear('graduationYear')}
        GROUP BY 1, 2
        UNION ALL
        SELECT institution, (dims->>'cohort')::int, 0,
               coalesce(sum(value) FILTER (WHERE metric = ${m(CounterMetric.GraduatesByCategory)}
                                              AND dims->>'category' IS DISTINCT FROM ${lit(NOT_PLACED)}), 0),
               coalesce(sum(value) FILTER (WHERE metric = ${m(CounterMetric.GraduatesLocalEmployed)}), 0)
        FROM counter
        WHERE metric IN (${m(CounterMetric.GraduatesByCategory)}, ${m(CounterMetric.GraduatesLocalEmployed)}) AND ${hasYear('cohort')}
          AND day <= ${yearEnd('cohort')}
        GROUP BY 1, 2
      ), totals AS (
        SELECT institution, year, sum(graduates)::bigint AS graduates, sum(placed)::bigint AS placed,
               sum(local_employed)::bigint AS local_employed
        FROM counted GROUP BY 1, 2
      )
      SELECT institution, year, make_date(year, 12, 31), graduates, placed, graduates - placed,
             CASE WHEN graduates = 0 THEN 0 ELSE round(placed::numeric / graduates, 4) END, local_employed
      FROM totals WHERE graduates <> 0 OR placed <> 0 OR local_employed <> 0`,
  },
  {
    name: 'graduate_destinations',
    comment:
      '毕业生去向（按毕业年份、去向类别），截至毕业当年 12 月 31 日；无有效去向者记为 unrecorded / Graduates by graduation year and the category of the destination in force on 31 December of that year; those with none are category unrecorded',
    columns: [
      INSTITUTION,
      ['graduation_year', '毕业年份 / Graduation year'],
      AS_OF,
      ['category', '去向类别（none：未填；unrecorded：无有效去向）/ Destination category (none: not given; unrecorded: no destination in force)'],
      ['graduates', '人数 / Graduates'],
    ],
    select: `
      WITH counted AS (
        SELECT institution, (dims->>'cohort')::int AS year, coalesce(dims->>'category', 'none') AS category, sum(value) AS graduates
        FROM counter WHERE metric = ${m(CounterMetric.GraduatesByCategory)} AND ${hasYear('cohort')} AND day <= ${yearEnd('cohort')}
        GROUP BY 1, 2, 3 HAVING sum(value) <> 0
      )
      SELECT institution, year, make_date(year, 12, 31), category, graduates::bigint FROM counted
      UNION ALL
      SELECT g.institution, g.graduation_year, g.as_of, 'unrecorded', g.graduates - coalesce(sum(c.graduates), 0)::bigint
      FROM bi.graduates g LEFT JOIN counted c ON c.institution = g.institution AND c.year = g.graduation_year
      GROUP BY g.institution, g.graduation_year, g.as_of, g.graduates
      HAVING g.graduates - coalesce(sum(c.graduates), 0) > 0`,
  },
  {
    name: 'internships',
    comment:
      '实习：当年开始实习的学生数、本地实习学生数与实习次数（按实习开始年份），截至当年 12 月 31 日 / Internships starting in the year: students, students with one in a local region, internships, as of 31 December',
    columns: [
      INSTITUTION,
      ['year', '实习开始年份 / Year the internships start in'],
      AS_OF,
      ['students', '实习学生数 / Distinct students with an internship starting in the year'],
      ['local_students', '本地实习学生数 / Of those, students with at least one internship in a local region'],
      ['internships', '实习次数 / Internships starting in the year'],
      ['local_internships', '本地实习次数 / Of those, in a local region'],
      ['completed_internships', '已结束的实习次数 / Of those, completed'],
    ],
    select: `
      SELECT * FROM (
        SELECT institution, (dims->>'year')::int, ${yearEnd('year')},
               coalesce(sum(value) FILTER (WHERE metric = ${m(CounterMetric.InternshipsStudents)}), 0)::bigint AS students,
               coalesce(sum(value) FILTER (WHERE metric = ${m(CounterMetric.InternshipsLocalStudents)}), 0)::bigint AS local_students,
               coalesce(sum(value) FILTER (WHERE metric = ${m(CounterMetric.InternshipsCount)}), 0)::bigint AS internships,
               coalesce(sum(value) FILTER (WHERE metric = ${m(CounterMetric.InternshipsCount)} AND dims->'local' = 'true'::jsonb), 0)::bigint,
               coalesce(sum(value) FILTER (WHERE metric = ${m(CounterMetric.InternshipsCount)} AND dims->'completed' = 'true'::jsonb), 0)::bigint
        FROM counter
        WHERE metric IN (${m(CounterMetric.InternshipsStudents)}, ${m(CounterMetric.InternshipsLocalStudents)}, ${m(CounterMetric.InternshipsCount)})
          AND ${hasYear('year')} AND day <= ${yearEnd('year')}
        GROUP BY 1, 2, 3
      ) AS yearly
      WHERE students <> 0 OR local_students <> 0 OR internships <> 0`,
  },
  {
    name: 'partnerships',
    comment:
      '校企合作（按年份），截至当年 12 月 31 日：“当年”指 1 月 1 日至 12 月 31 日，“累计”指截至 12 月 31 日 / Partnerships by year as of 31 December: "in the year" from 1 January to 31 December, "to date" on or before 31 December',
    columns: [
      INSTITUTION,
      ['year', '年份 / Year'],
      AS_OF,
      ['enterprises', '合作企业数（累计签订过校企协议的企业）/ Enterprises named on a school-enterprise agreement signed to date'],
      ['school_enterprise_signed', '当年签订的校企协议数 / School-enterprise agreements signed in the year'],
      ['government_school_signed', '当年签订的政校协议数 / Government-school agreements signed in the year'],
      ['university_signed', '当年签订的校校（高校）协议数 / University agreements signed in the year'],
      ['certificate_pilots', '1+X 证书试点数（累计）/ 1+X certificate pilots launched to date'],
      ['certificate_pilot_enterprises', '1+X 试点合作单位数（累计）/ Distinct partners of the pilots launched to date'],
      ['industry_colleges', '产业学院数（累计）/ Industry colleges founded to date'],
      ['order_class_programs', '订单班涉及专业数（该年级）/ Distinct programs of the order classes of that cohort year'],
      ['order_class_students', '订单班学生数（该年级）/ Students of the order classes of that cohort year'],
      ['training_base_investment', '实训基地当年投入（元）/ Training-base investment dated in the year, in yuan'],
    ],
    select: `
      WITH yearly AS (${yearByYear(
        `metric IN (${m(CounterMetric.PartnershipsEnterprises)}, ${m(CounterMetric.PartnershipsCertificatePilots)},
                    ${m(CounterMetric.PartnershipsPilotPartners)}, ${m(CounterMetric.PartnershipsIndustryColleges)},
                    ${m(CounterMetric.TrainingBasesInvestment)})
         OR (metric = ${m(CounterMetric.PartnershipsAgreementSigned)} AND dims->>'by' = 'kind')`,
        `CASE WHEN metric = ${m(CounterMetric.PartnershipsAgreementSigned)} THEN dims->>'key' END`,
        `coalesce(sum(d.value) FILTER (WHERE d.metric = ${m(CounterMetric.PartnershipsEnterprises)}), 0) AS enterprises,
         coalesce(sum(d.value) FILTER (WHERE d.metric = ${m(CounterMetric.PartnershipsAgreementSigned)}
                                           AND d.key = 'school_enterprise' AND d.day_year = y.year), 0) AS school_enterprise,
         coalesce(sum(d.value) FILTER (WHERE d.metric = ${m(CounterMetric.PartnershipsAgreementSigned)}
                                           AND d.key = 'government_school' AND d.day_year = y.year), 0) AS government_school,
         coalesce(sum(d.value) FILTER (WHERE d.metric = ${m(CounterMetric.PartnershipsAgreementSigned)}
                                           AND d.key = 'university' AND d.day_year = y.year), 0) AS university,
         coalesce(sum(d.value) FILTER (WHERE d.metric = ${m(CounterMetric.PartnershipsCertificatePilots)}), 0) AS pilots,
         coalesce(sum(d.value) FILTER (WHERE d.metric = ${m(CounterMetric.PartnershipsPilotPartners)}), 0) AS pilot_partners,
         coalesce(sum(d.value) FILTER (WHERE d.metric = ${m(CounterMetric.PartnershipsIndustryColleges)}), 0) AS colleges,
         coalesce(sum(d.value) FILTER (WHERE d.metric = ${m(CounterMetric.TrainingBasesInvestment)} AND d.day_year = y.year), 0) AS cents`,
      )}
      ), order_classes AS (
        SELECT institution, year, count(DISTINCT program) FILTER (WHERE metric = ${m(CounterMetric.PartnershipsOrderClasses)}) AS programs,
               coalesce(sum(value) FILTER (WHERE metric = ${m(CounterMetric.PartnershipsOrderClassStudents)}), 0) AS students
        FROM (SELECT institution, metric, (dims->>'cohortYear')::int AS year, dims->>'programCode' AS program, sum(value) AS value
              FROM counter
              WHERE metric IN (${m(CounterMetric.PartnershipsOrderClasses)}, ${m(CounterMetric.PartnershipsOrderClassStudents)})
                AND ${hasYear('cohortYear')}
              GROUP BY institution, metric, dims HAVING sum(value) <> 0) AS cells
        GROUP BY 1, 2
      )
      SELECT p.institution, p.year, make_date(p.year, 12, 31), p.enterprises::bigint, p.school_enterprise::bigint,
             p.government_school::bigint, p.university::bigint, p.pilots::bigint, p.pilot_partners::bigint, p.colleges::bigint,
             coalesce(o.programs, 0)::bigint, coalesce(o.students, 0)::bigint, (p.cents / 100)::numeric(20, 2)
      FROM yearly p LEFT JOIN order_classes o ON o.institution = p.institution AND o.year = p.year`,
  },
  {
    name: 'alliances',
    comment:
      '职教集团（联盟）（按年份），截至当年 12 月 31 日 / Alliances by year, as of 31 December of the year',
    columns: [
      INSTITUTION,
      ['year', '年份 / Year'],
      AS_OF,
      ['alliances', '参加的联盟数（截至 12 月 31 日已成立）/ Alliances founded on or before as_of'],
      ['alliances_led', `其中牵头的（${LEADING_ALLIANCE_ROLES.join('、')}）/ Of those, led: the institution's role is ${LEADING_ALLIANCE_ROLES.join(' or ')}`],
      ['alliance_members', '成员数（各联盟分别计）/ Memberships current on as_of, an organisation in two alliances counted in each'],
      ['forum_participants', '当年单次论坛最多参与单位数 / The largest participant count of any forum dated in the year'],
    ],
    select: `
      WITH yearly AS (${yearByYear(
        `metric IN (${m(CounterMetric.Alliances)}, ${m(CounterMetric.AllianceMembers)})`,
        `CASE WHEN metric = ${m(CounterMetric.Alliances)} THEN dims->>'role' END`,
        `coalesce(sum(d.value) FILTER (WHERE d.metric = ${m(CounterMetric.Alliances)}), 0) AS alliances,
         coalesce(sum(d.value) FILTER (WHERE d.metric = ${m(CounterMetric.Alliances)} AND d.key IN (${LEADING})), 0) AS led,
         coalesce(sum(d.value) FILTER (WHERE d.metric = ${m(CounterMetric.AllianceMembers)}), 0) AS members`,
      )}
      ), forums AS (
        SELECT institution, year, max(value) AS largest
        FROM (SELECT institution, (dims->>'year')::int AS year, sum(value) AS value
              FROM counter
              WHERE metric = ${m(CounterMetric.AllianceActivityParticipants)} AND dims->>'kind' = 'forum' AND ${hasYear('year')}
                AND day <= ${yearEnd('year')}
              GROUP BY institution, dims HAVING sum(value) <> 0) AS activities
        GROUP BY 1, 2
      )
      SELECT a.institution, a.year, make_date(a.year, 12, 31), a.alliances::bigint, a.led::bigint, a.members::bigint,
             greatest(0, coalesce(f.largest, 0))::bigint
      FROM yearly a LEFT JOIN forums f ON f.institution = a.institution AND f.year = a.year`,
  },
  {
    name: 'annual_overview',
    comment:
      '年度总览（质量年报主要数据），每院校每年一行，截至当年 12 月 31 日，与年度总览报表（year=Y，asOf=Y-12-31）一致 / The annual figures, one row per institution and year as of 31 December: those of GET /reports/overview?year=Y&asOf=Y-12-31',
    columns: [
      INSTITUTION,
      ['year', '年份 / Year'],
      AS_OF,
      ['intake_total', `招生总数（不含 ${THROUGH_23}）/ Intake of the cohort year, pathway ${THROUGH_23} left out`],
      ['intake_undergraduate', '本科层次招生数 / Of which undergraduate'],
      ['intake_higher_vocational', '高职（专科）招生数 / Of which higher vocational'],
      ['intake_secondary', '中职招生数 / Of which secondary'],
      ['intake_through_2_3', `2+3 贯通招生数（另计）/ Intake of pathway ${THROUGH_23}, counted apart`],
      ['graduates', '毕业生人数 / Graduates of the year'],
      ['graduates_placed', '去向落实人数 / Graduates placed'],
      ['graduates_not_placed', '未落实人数 / Graduates not placed'],
      ['placement_rate', '去向落实率 / Placement rate'],
      ['local_employed', '本地就业人数 / Graduates employed locally'],
      ['internship_students', '实习学生数 / Students with an internship starting in the year'],
      ['internship_local_students', '本地实习学生数 / Of those, with one in a local region'],
      ['enterprises', '合作企业数（累计）/ Partner enterprises to date'],
      ['school_enterprise_signed', '当年校企协议数 / School-enterprise agreements signed in the year'],
      ['government_school_signed', '当年政校协议数 / Government-school agreements signed in the year'],
      ['university_signed', '当年校校协议数 / University agreements signed in the year'],
      ['certificate_pilots', '1+X 证书试点数 / 1+X certificate pilots to date'],
      ['certificate_pilot_enterprises', '1+X 试点合作单位数 / Partners of the pilots to date'],
      ['industry_colleges', '产业学院数 / Industry colleges to date'],
      ['order_class_programs', '订单班专业数 / Programs of the cohort year\'s order classes'],
      ['order_class_students', '订单班学生数 / Students of the cohort year\'s order classes'],
      ['training_base_investment', '实训基地当年投入（元）/ Training-base investment in the year, in yuan'],
      ['alliances', '参加的联盟数 / Alliances'],
      ['alliances_led', '牵头的联盟数 / Alliances led'],
      ['alliance_members', '联盟成员数 / Alliance memberships'],
      ['forum_participants', '论坛最多参与单位数 / Largest forum of the year'],
    ],
    select: `
      SELECT y.institution, y.year, make_date(y.year, 12, 31),
             coalesce(i.total, 0)::bigint, coalesce(i.undergraduate, 0)::bigint, coalesce(i.higher_vocational, 0)::bigint,
             coalesce(i.secondary, 0)::bigint, coalesce(i.through_2_3, 0)::bigint,
             coalesce(g.graduates, 0), coalesce(g.placed, 0), coalesce(g.not_placed, 0), coalesce(g.placement_rate, 0),
             coalesce(g.local_employed, 0),
             coalesce(n.students, 0), coalesce(n.local_students, 0),
             p.enterprises, p.school_enterprise_signed, p.government_school_signed, p.university_signed, p.certificate_pilots,
             p.certificate_pilot_enterprises, p.industry_colleges, p.order_class_programs, p.order_class_students,
             p.training_base_investment,
             a.alliances, a.alliances_led, a.alliance_members, a.forum_participants
      FROM bi.institution_years y
      LEFT JOIN (SELECT institution, cohort_year AS year,
                        sum(intake) FILTER (WHERE pathway IS DISTINCT FROM ${lit(THROUGH_23)}) AS total,
                        sum(intake) FILTER (WHERE pathway IS DISTINCT FROM ${lit(THROUGH_23)} AND level = 'undergraduate') AS undergraduate,
                        sum(intake) FILTER (WHERE pathway IS DISTINCT FROM ${lit(THROUGH_23)} AND level = 'higher_vocational') AS higher_vocational,
                        sum(intake) FILTER (WHERE pathway IS DISTINCT FROM ${lit(THROUGH_23)} AND level = 'secondary') AS secondary,
                        sum(intake) FILTER (WHERE pathway = ${lit(THROUGH_23)}) AS through_2_3
                 FROM bi.intake GROUP BY 1, 2) AS i ON i.institution = y.institution AND i.year = y.year
      LEFT JOIN bi.graduates g ON g.institution = y.institution AND g.graduation_year = y.year
      LEFT JOIN bi.internships n ON n.institution = y.institution AND n.year = y.year
      JOIN bi.partnerships p ON p.institution = y.institution AND p.year = y.year
      JOIN bi.alliances a ON a.institution = y.institution AND a.year = y.year`,
  },
];

/**
 * Issue 29: the `bi` schema, views of the figures for BI tools (Superset, Metabase, DataEase), documented in Chinese and
 * English on every view and column, owned by whoever migrates (the reporting role), so they read the tables the
 * reader role may not. If that role (`<database>_bi`) exists already, it is granted them here (a cluster whose roles
 * come before the service migrates itself, deploy/k8s); `npm run migrate` makes it and grants again after migrating.
 */
export class BiViews1796600000000 implements MigrationInterface {
  name = 'BiViews1796600000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE SCHEMA ${BI_SCHEMA}`);
    await queryRunner.query(
      `COMMENT ON SCHEMA ${BI_SCHEMA} IS ${lit('供 BI 工具（Superset、Metabase、DataEase）读取的统计视图，只读 / Views of the figures for BI tools (Superset, Metabase, DataEase), read-only')}`,
    );
    for (const view of VIEWS) {
      const name = `${BI_SCHEMA}.${view.name}`;
      await queryRunner.query(`CREATE VIEW ${name} (${view.columns.map(([c]) => c).join(', ')}) AS ${view.select}`);
      await queryRunner.query(`COMMENT ON VIEW ${name} IS ${lit(view.comment)}`);
      for (const [column, comment] of view.columns) await queryRunner.query(`COMMENT ON COLUMN ${name}.${column} IS ${lit(comment)}`);
    }
    const [{ database }] = (await queryRunner.query(`SELECT current_database() AS database`)) as [{ database: string }];
    const role = biReaderRole(database);
    const found = (await queryRunner.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [role])) as unknown[];
    if (found.length > 0) for (const statement of biReaderGrants(role)) await queryRunner.query(statement);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP SCHEMA ${BI_SCHEMA} CASCADE`);
  }
}

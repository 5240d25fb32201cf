import type { InvestmentSource } from '@chanjiao/contracts';
import type { AlliancesFigures } from './alliance-report.dto';
import { rate } from './counter.repository';
import type { InvestmentFigures } from './partnership-report.dto';
import type { QualityItemView, QualityTableView, QualityValue } from './quality-report.dto';
import type { GraduatesFigures, InternshipsFigures, PartnershipsFigures } from './report.dto';

/** The figures the annual quality report's tables are made of, as the other reports compute them (one snapshot). */
export interface QualityFigures {
  graduates: GraduatesFigures;
  /** Graduates whose destination in force on asOf is `entrepreneurship`. */
  entrepreneurs: number;
  internships: InternshipsFigures;
  partnerships: PartnershipsFigures;
  alliances: AlliancesFigures;
  investment: InvestmentFigures;
}

const item = (name: string, nameEn: string, value: QualityValue): QualityItemView => ({ item: name, itemEn: nameEn, value });

/** How the report names each investment source (落实政策: 经费来源). */
const INVESTMENT_SOURCE_ITEMS: Record<InvestmentSource, [string, string]> = {
  central_government: ['其中：中央财政投入（元）', 'Of which central government (CNY)'],
  regional_government: ['其中：地方财政投入（元）', 'Of which regional government (CNY)'],
  school: ['其中：学校自筹（元）', 'Of which the school (CNY)'],
  enterprise: ['其中：企业投入（元）', 'Of which enterprises (CNY)'],
  other: ['其中：其他来源（元）', 'Of which other sources (CNY)'],
};

/**
 * The tables of the annual quality report (质量年报 附表) that the system's figures support, in the report's order, each
 * item under the name the report gives it. Items the system does not hold (全日制在校生人数; 就业去向 B, C and D 类;
 * research and technical-service funds; training; 月收入, 专业相关度 and the satisfaction surveys; staffing and equipment)
 * are left out, not written as zeros.
 */
export function qualityReportTables(f: QualityFigures): QualityTableView[] {
  const g = f.graduates;
  const p = f.partnerships;
  return [
    {
      table: '服务贡献表',
      tableEn: 'Service contribution',
      items: [
        item('毕业生人数', 'Graduates', g.total),
        // 就业人数 is the numerator of 就业率, now 毕业去向落实率: every destination but not_placed, further study included.
        item('其中：就业人数', 'Of whom employed (placed)', g.placed),
        item('毕业生就业去向 A 类：留在当地就业人数', 'Destination A: employed locally', g.localEmployed),
      ],
    },
    {
      table: '计分卡',
      tableEn: 'Score card',
      items: [
        item('毕业去向落实率', 'Placement rate', g.placement),
        item('自主创业比例', 'Entrepreneurship share', rate(f.entrepreneurs, g.total)),
      ],
    },
    {
      table: '教学资源与落实政策表',
      tableEn: 'Teaching resources and policy',
      items: [
        item('实训基地建设投入（元）', 'Training-base investment (CNY)', f.investment.total),
        ...f.investment.bySource.map((s) => item(...INVESTMENT_SOURCE_ITEMS[s.source], s.amount)),
      ],
    },
    {
      table: '产教融合',
      tableEn: 'Industry–education integration',
      items: [
        item('合作企业数', 'Partner enterprises', p.enterprises),
        item('校企合作协议签订数', 'School–enterprise agreements signed', p.schoolEnterpriseSigned),
        item('政校合作协议签订数', 'Government–school agreements signed', p.governmentSchool),
        item('校校合作协议签订数', 'School–university agreements signed', p.university),
        item('订单班专业数', 'Programs with order classes', p.orderClasses.programs),
        item('订单班学生数', 'Order-class students', p.orderClasses.students),
        item('1+X 证书试点数', '1+X certificate pilots', p.certificatePilots),
        item('1+X 证书试点合作企业数', '1+X pilot partner enterprises', p.certificatePilotEnterprises),
        item('产业学院数', 'Industry colleges', p.industryColleges),
        item('参与职教集团（联盟）数', 'Alliances joined', f.alliances.total),
        item('牵头组建职教集团（联盟）数', 'Alliances led', f.alliances.led),
        item('实习学生数', 'Students on internships', f.internships.students),
        item('其中：本地实习学生数', 'Of whom interning locally', f.internships.localStudents),
      ],
    },
  ];
}

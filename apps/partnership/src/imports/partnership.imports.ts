import {
  AGREEMENT_KIND_LABELS,
  COOPERATION_FORM_LABELS,
  IEI_LEVEL_LABELS,
  INVESTMENT_SOURCE_LABELS,
  PARTNER_KIND_LABELS,
  SECTOR_LABELS,
} from '@chanjiao/contracts';
import { col, enumCol, ImportSpec } from '@chanjiao/imports';
import { RenewalBatchItemDto, CreateAgreementDto, TerminationBatchItemDto } from '../agreements/agreement.dto';
import { AgreementService } from '../agreements/agreement.service';
import { CreateCertificatePilotDto, PilotResultsBatchItemDto } from '../certificate-pilots/certificate-pilot.dto';
import { CertificatePilotService } from '../certificate-pilots/certificate-pilot.service';
import { CreateIndustryCollegeDto } from '../industry-colleges/industry-college.dto';
import { IndustryCollegeService } from '../industry-colleges/industry-college.service';
import { CreateOrderClassDto } from '../order-classes/order-class.dto';
import { OrderClassService } from '../order-classes/order-class.service';
import { PartnerBatchItemDto } from '../partners/partner.dto';
import { PartnerService } from '../partners/partner.service';
import { InvestmentBatchItemDto, TrainingBaseBatchItemDto } from '../training-bases/training-base.dto';
import { TrainingBaseService } from '../training-bases/training-base.service';

/** What the partnerships office can load from a spreadsheet: the same fields and rules as the API. */
export function partnershipImportSpecs(
  partners: PartnerService,
  agreements: AgreementService,
  orderClasses: OrderClassService,
  pilots: CertificatePilotService,
  colleges: IndustryCollegeService,
  bases: TrainingBaseService,
): ImportSpec[] {
  const partnersSpec: ImportSpec<PartnerBatchItemDto> = {
    entity: 'partners',
    idColumn: 'partnerId',
    dto: PartnerBatchItemDto,
    columns: [
      col('partnerId', ['合作单位编号', '合作單位編號'], 'string', 'E001'),
      col('name', ['单位名称', '單位名稱'], 'string', '新疆中泰化学股份有限公司'),
      enumCol('kind', ['单位类型', '單位類型'], PARTNER_KIND_LABELS, 'enterprise'),
      col('creditCode', ['统一社会信用代码', '統一社會信用代碼'], 'string', '91350100M000100Y43', false),
      enumCol('sector', ['面向产业', '面向產業'], SECTOR_LABELS, 'chemical_materials'),
      col('region', ['所在地区代码', '所在地區代碼'], 'string', '652801', false),
      enumCol('ieiLevel', ['产教融合型企业', '產教融合型企業'], IEI_LEVEL_LABELS, 'none', false),
    ],
    write: (ctx, items) => partners.putMany(ctx, items),
  };
  const agreementsSpec: ImportSpec<CreateAgreementDto> = {
    entity: 'agreements',
    idColumn: 'agreementId',
    dto: CreateAgreementDto,
    columns: [
      col('agreementId', ['协议编号', '協議編號'], 'string', 'AG-2022-001'),
      col('partnerIds', ['合作单位编号', '合作單位編號'], 'list', 'E001'),
      enumCol('kind', ['协议类型', '協議類型'], AGREEMENT_KIND_LABELS, 'school_enterprise'),
      enumCol('forms', '合作形式', COOPERATION_FORM_LABELS, 'order_class;training_base', false, 'list'),
      col('programCodes', ['专业代码', '專業代碼'], 'list', '460103', false),
      col('signedOn', ['签订日期', '簽訂日期'], 'date', '2022-03-01'),
      col('effectiveFrom', '生效日期', 'date', '', false),
      col('expiresOn', '到期日期', 'date', '2025-02-28', false),
    ],
    write: (ctx, items) => agreements.signMany(ctx, items),
  };
  const terminationsSpec: ImportSpec<TerminationBatchItemDto> = {
    entity: 'agreement-terminations',
    idColumn: 'agreementId',
    dto: TerminationBatchItemDto,
    columns: [
      col('agreementId', ['协议编号', '協議編號'], 'string', 'AG-2022-001'),
      col('date', ['终止日期', '終止日期'], 'date', '2023-06-30'),
      col('reason', '原因', 'string', '', false),
    ],
    write: (ctx, items) =>
      agreements.changeMany(
        ctx,
        items.map((i) => ({ agreementId: i.agreementId, command: { kind: 'termination', date: i.date, reason: i.reason ?? null } })),
      ),
  };
  const renewalsSpec: ImportSpec<RenewalBatchItemDto> = {
    entity: 'agreement-renewals',
    idColumn: 'agreementId',
    dto: RenewalBatchItemDto,
    columns: [
      col('agreementId', ['协议编号', '協議編號'], 'string', 'AG-2022-001'),
      col('date', ['续签日期', '續簽日期'], 'date', '2025-02-01'),
      col('expiresOn', '新到期日期', 'date', '2028-02-29'),
    ],
    write: (ctx, items) =>
      agreements.changeMany(
        ctx,
        items.map((i) => ({ agreementId: i.agreementId, command: { kind: 'renewal', date: i.date, expiresOn: i.expiresOn } })),
      ),
  };
  const orderClassesSpec: ImportSpec<CreateOrderClassDto> = {
    entity: 'order-classes',
    idColumn: 'orderClassId',
    dto: CreateOrderClassDto,
    columns: [
      col('orderClassId', ['订单班编号', '訂單班編號'], 'string', 'OC-2022-01'),
      col('partnerId', ['合作单位编号', '合作單位編號'], 'string', 'E001'),
      col('programCode', ['专业代码', '專業代碼'], 'string', '460103'),
      col('cohortYear', ['入学年份', '入學年份'], 'integer', '2022'),
      col('students', ['学生人数', '學生人數'], 'integer', '40'),
    ],
    write: (ctx, items) => orderClasses.createMany(ctx, items),
  };
  const pilotsSpec: ImportSpec<CreateCertificatePilotDto> = {
    entity: 'certificate-pilots',
    idColumn: 'pilotId',
    dto: CreateCertificatePilotDto,
    columns: [
      col('pilotId', ['试点编号', '試點編號'], 'string', '1X-2022-01'),
      col('certificate', ['证书名称', '證書名稱'], 'string', '工业机器人操作与运维'),
      col('level', ['证书等级', '證書等級'], 'string', '中级', false),
      col('partnerId', ['合作单位编号', '合作單位編號'], 'string', 'E001'),
      col('programCodes', ['专业代码', '專業代碼'], 'list', '460103'),
      col('launchedOn', ['启动日期', '啟動日期'], 'date', '2022-03-01'),
    ],
    write: (ctx, items) => pilots.launchMany(ctx, items),
  };
  const pilotResultsSpec: ImportSpec<PilotResultsBatchItemDto> = {
    entity: 'certificate-pilot-results',
    idColumn: 'pilotId',
    dto: PilotResultsBatchItemDto,
    columns: [
      col('pilotId', ['试点编号', '試點編號'], 'string', '1X-2022-01'),
      col('year', '年度', 'integer', '2022'),
      col('trained', ['培训人数', '培訓人數'], 'integer', '50'),
      col('sat', ['参考人数', '參考人數'], 'integer', '48'),
      col('passed', ['通过人数', '通過人數'], 'integer', '45'),
    ],
    write: (ctx, items) => pilots.resultsMany(ctx, items),
  };
  const collegesSpec: ImportSpec<CreateIndustryCollegeDto> = {
    entity: 'industry-colleges',
    idColumn: 'collegeId',
    dto: CreateIndustryCollegeDto,
    columns: [
      col('collegeId', ['产业学院编号', '產業學院編號'], 'string', 'IC-01'),
      col('name', ['产业学院名称', '產業學院名稱'], 'string', '纺织产业学院'),
      col('partnerIds', ['合作单位编号', '合作單位編號'], 'list', 'E001'),
      col('programCodes', ['专业代码', '專業代碼'], 'list', '460103', false),
      col('foundedOn', '成立日期', 'date', '2021-09-01'),
    ],
    write: (ctx, items) => colleges.foundMany(ctx, items),
  };
  const basesSpec: ImportSpec<TrainingBaseBatchItemDto> = {
    entity: 'training-bases',
    idColumn: 'baseId',
    dto: TrainingBaseBatchItemDto,
    columns: [
      col('baseId', ['基地编号', '基地編號'], 'string', 'TB-01'),
      col('name', ['基地名称', '基地名稱'], 'string', '纺织工业技术产教融合实训基地'),
      col('kind', ['基地类型', '基地類型'], 'string', 'productive'),
      enumCol('sector', ['面向产业', '面向產業'], SECTOR_LABELS, 'textiles', false),
    ],
    write: (ctx, items) => bases.putMany(ctx, items),
  };
  const investmentsSpec: ImportSpec<InvestmentBatchItemDto> = {
    entity: 'training-base-investments',
    idColumn: 'investmentId',
    dto: InvestmentBatchItemDto,
    columns: [
      col('baseId', ['基地编号', '基地編號'], 'string', 'TB-01'),
      col('investmentId', ['投入编号', '投入編號'], 'string', 'INV-2021-001'),
      col('amount', ['金额（元）', '金額（元）'], 'decimal', '12500000.00'),
      enumCol('source', ['资金来源', '資金來源'], INVESTMENT_SOURCE_LABELS, 'regional_government'),
      col('date', '日期', 'date', '2021-06-30'),
    ],
    write: (ctx, items) => bases.investMany(ctx, items),
  };
  return [
    partnersSpec,
    agreementsSpec,
    terminationsSpec,
    renewalsSpec,
    orderClassesSpec,
    pilotsSpec,
    pilotResultsSpec,
    collegesSpec,
    basesSpec,
    investmentsSpec,
  ] as ImportSpec[];
}

import { col, ImportSpec } from '@chanjiao/imports';
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
      col('partnerId', 'string', 'E001'),
      col('name', 'string', '新疆中泰化学股份有限公司'),
      col('kind', 'string', 'enterprise'),
      col('creditCode', 'string', '91350100M000100Y43', false),
      col('sector', 'string', 'chemical_materials'),
      col('region', 'string', '652801', false),
      col('ieiLevel', 'string', 'none', false),
    ],
    write: (ctx, items) => partners.putMany(ctx, items),
  };
  const agreementsSpec: ImportSpec<CreateAgreementDto> = {
    entity: 'agreements',
    idColumn: 'agreementId',
    dto: CreateAgreementDto,
    columns: [
      col('agreementId', 'string', 'AG-2022-001'),
      col('partnerIds', 'list', 'E001'),
      col('kind', 'string', 'school_enterprise'),
      col('forms', 'list', 'order_class;training_base', false),
      col('programCodes', 'list', '460103', false),
      col('signedOn', 'date', '2022-03-01'),
      col('effectiveFrom', 'date', '', false),
      col('expiresOn', 'date', '2025-02-28', false),
    ],
    write: (ctx, items) => agreements.signMany(ctx, items),
  };
  const terminationsSpec: ImportSpec<TerminationBatchItemDto> = {
    entity: 'agreement-terminations',
    idColumn: 'agreementId',
    dto: TerminationBatchItemDto,
    columns: [col('agreementId', 'string', 'AG-2022-001'), col('date', 'date', '2023-06-30'), col('reason', 'string', '', false)],
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
    columns: [col('agreementId', 'string', 'AG-2022-001'), col('date', 'date', '2025-02-01'), col('expiresOn', 'date', '2028-02-29')],
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
      col('orderClassId', 'string', 'OC-2022-01'),
      col('partnerId', 'string', 'E001'),
      col('programCode', 'string', '460103'),
      col('cohortYear', 'integer', '2022'),
      col('students', 'integer', '40'),
    ],
    write: (ctx, items) => orderClasses.createMany(ctx, items),
  };
  const pilotsSpec: ImportSpec<CreateCertificatePilotDto> = {
    entity: 'certificate-pilots',
    idColumn: 'pilotId',
    dto: CreateCertificatePilotDto,
    columns: [
      col('pilotId', 'string', '1X-2022-01'),
      col('certificate', 'string', '工业机器人操作与运维'),
      col('level', 'string', '中级', false),
      col('partnerId', 'string', 'E001'),
      col('programCodes', 'list', '460103'),
      col('launchedOn', 'date', '2022-03-01'),
    ],
    write: (ctx, items) => pilots.launchMany(ctx, items),
  };
  const pilotResultsSpec: ImportSpec<PilotResultsBatchItemDto> = {
    entity: 'certificate-pilot-results',
    idColumn: 'pilotId',
    dto: PilotResultsBatchItemDto,
    columns: [
      col('pilotId', 'string', '1X-2022-01'),
      col('year', 'integer', '2022'),
      col('trained', 'integer', '50'),
      col('sat', 'integer', '48'),
      col('passed', 'integer', '45'),
    ],
    write: (ctx, items) => pilots.resultsMany(ctx, items),
  };
  const collegesSpec: ImportSpec<CreateIndustryCollegeDto> = {
    entity: 'industry-colleges',
    idColumn: 'collegeId',
    dto: CreateIndustryCollegeDto,
    columns: [
      col('collegeId', 'string', 'IC-01'),
      col('name', 'string', '纺织产业学院'),
      col('partnerIds', 'list', 'E001'),
      col('programCodes', 'list', '460103', false),
      col('foundedOn', 'date', '2021-09-01'),
    ],
    write: (ctx, items) => colleges.foundMany(ctx, items),
  };
  const basesSpec: ImportSpec<TrainingBaseBatchItemDto> = {
    entity: 'training-bases',
    idColumn: 'baseId',
    dto: TrainingBaseBatchItemDto,
    columns: [
      col('baseId', 'string', 'TB-01'),
      col('name', 'string', '纺织工业技术产教融合实训基地'),
      col('kind', 'string', 'productive'),
      col('sector', 'string', 'textiles', false),
    ],
    write: (ctx, items) => bases.putMany(ctx, items),
  };
  const investmentsSpec: ImportSpec<InvestmentBatchItemDto> = {
    entity: 'training-base-investments',
    idColumn: 'investmentId',
    dto: InvestmentBatchItemDto,
    columns: [
      col('baseId', 'string', 'TB-01'),
      col('investmentId', 'string', 'INV-2021-001'),
      col('amount', 'decimal', '12500000.00'),
      col('source', 'string', 'regional_government'),
      col('date', 'date', '2021-06-30'),
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

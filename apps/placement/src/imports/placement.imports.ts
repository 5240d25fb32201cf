import { DESTINATION_CATEGORY_LABELS, DESTINATION_DETAIL_LABELS, INTERNSHIP_KIND_LABELS, SECTOR_LABELS } from '@chanjiao/contracts';
import { col, enumCol, ImportSpec } from '@chanjiao/imports';
import { DestinationBatchItemDto } from '../destinations/destination.dto';
import { DestinationService } from '../destinations/destination.service';
import { CompletionBatchItemDto, CreateInternshipDto } from '../internships/internship.dto';
import { InternshipService } from '../internships/internship.service';

/** What the careers office can load from a spreadsheet: the same fields and rules as the API. */
export function placementImportSpecs(internships: InternshipService, destinations: DestinationService): ImportSpec[] {
  const internshipsSpec: ImportSpec<CreateInternshipDto> = {
    entity: 'internships',
    idColumn: 'internshipId',
    dto: CreateInternshipDto,
    columns: [
      col('internshipId', ['实习编号', '實習編號'], 'string', 'INT-2022-0001'),
      col('studentId', ['学号', '學號'], 'string', '2020460101001'),
      enumCol('kind', ['实习类型', '實習類型'], INTERNSHIP_KIND_LABELS, 'post'),
      col('employerPartnerId', ['实习单位编号', '實習單位編號'], 'string', '', false),
      col('employerName', ['实习单位名称', '實習單位名稱'], 'string', '新疆中泰化学股份有限公司', false),
      col('region', ['实习地区代码', '實習地區代碼'], 'string', '652801'),
      col('startDate', ['开始日期', '開始日期'], 'date', '2022-03-01'),
      col('endDate', ['结束日期', '結束日期'], 'date', '', false),
    ],
    write: (ctx, items) => internships.postMany(ctx, items),
  };
  const completionsSpec: ImportSpec<CompletionBatchItemDto> = {
    entity: 'internship-completions',
    idColumn: 'internshipId',
    dto: CompletionBatchItemDto,
    columns: [
      col('internshipId', ['实习编号', '實習編號'], 'string', 'INT-2022-0001'),
      col('endDate', ['结束日期', '結束日期'], 'date', '2022-06-30'),
    ],
    write: (ctx, items) => internships.completeMany(ctx, items),
  };
  const destinationsSpec: ImportSpec<DestinationBatchItemDto> = {
    entity: 'destinations',
    idColumn: 'studentId',
    dto: DestinationBatchItemDto,
    columns: [
      col('studentId', ['学号', '學號'], 'string', '2019460101001'),
      col('graduationYear', ['毕业年份', '畢業年份'], 'integer', '2022'),
      col('programCode', ['专业代码', '專業代碼'], 'string', '460103'),
      enumCol('category', ['毕业去向', '畢業去向'], DESTINATION_CATEGORY_LABELS, 'contract'),
      enumCol('detail', ['去向细类', '去向細類'], DESTINATION_DETAIL_LABELS, 'labor_contract', false),
      col('employerPartnerId', ['单位编号', '單位編號'], 'string', '', false),
      col('employerName', ['单位名称', '單位名稱'], 'string', '新疆中泰化学股份有限公司', false),
      col('region', ['单位所在地区代码', '單位所在地區代碼'], 'string', '652801', false),
      enumCol('sector', ['所属产业', '所屬產業'], SECTOR_LABELS, 'chemical_materials', false),
      col('effectiveDate', ['落实日期', '落實日期'], 'date', '2022-08-31'),
      col('verified', ['是否核实', '是否核實'], 'boolean', 'true'),
    ],
    write: (ctx, items) => destinations.putMany(ctx, items),
  };
  return [internshipsSpec, completionsSpec, destinationsSpec] as ImportSpec[];
}

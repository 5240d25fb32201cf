import { col, ImportSpec } from '@chanjiao/imports';
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
      col('internshipId', 'string', 'INT-2022-0001'),
      col('studentId', 'string', '2020460101001'),
      col('kind', 'string', 'post'),
      col('employerPartnerId', 'string', '', false),
      col('employerName', 'string', '新疆中泰化学股份有限公司', false),
      col('region', 'string', '652801'),
      col('startDate', 'date', '2022-03-01'),
      col('endDate', 'date', '', false),
    ],
    write: (ctx, items) => internships.postMany(ctx, items),
  };
  const completionsSpec: ImportSpec<CompletionBatchItemDto> = {
    entity: 'internship-completions',
    idColumn: 'internshipId',
    dto: CompletionBatchItemDto,
    columns: [col('internshipId', 'string', 'INT-2022-0001'), col('endDate', 'date', '2022-06-30')],
    write: (ctx, items) => internships.completeMany(ctx, items),
  };
  const destinationsSpec: ImportSpec<DestinationBatchItemDto> = {
    entity: 'destinations',
    idColumn: 'studentId',
    dto: DestinationBatchItemDto,
    columns: [
      col('studentId', 'string', '2019460101001'),
      col('graduationYear', 'integer', '2022'),
      col('programCode', 'string', '460103'),
      col('category', 'string', 'contract'),
      col('detail', 'string', 'labor_contract', false),
      col('employerPartnerId', 'string', '', false),
      col('employerName', 'string', '新疆中泰化学股份有限公司', false),
      col('region', 'string', '652801', false),
      col('sector', 'string', 'chemical_materials', false),
      col('effectiveDate', 'date', '2022-08-31'),
      col('verified', 'boolean', 'true'),
    ],
    write: (ctx, items) => destinations.putMany(ctx, items),
  };
  return [internshipsSpec, completionsSpec, destinationsSpec] as ImportSpec[];
}

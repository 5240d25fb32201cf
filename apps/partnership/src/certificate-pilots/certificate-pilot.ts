import { Injectable } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { Column, DataSource, Entity, PrimaryColumn } from 'typeorm';
import { CertificatePilotLaunched, CertificatePilotResultsReported, ID_PATTERN } from '@chanjiao/contracts';
import { coalesced, DomainError, IsCalendarDate, IsEntityId, IsYear, ItemResult, WriteContext, WriteUnitOfWork } from '@chanjiao/platform';
import { Decision, emit, fail, unchanged } from '@chanjiao/domain';
import { decideAll } from '../common/decide';
import { sameList, sortedSet } from '../common/lists';
import { RowTable } from '../common/row-table';
import { checkPartners } from '../agreements/agreement.service';
import { PartnerRepository } from '../partners/partner.repository';
import { PartnershipErrorCode as Code } from '../partnership.errors';

@Entity({ name: 'certificate_pilots' })
export class CertificatePilotEntity {
  @PrimaryColumn({ type: 'text' }) institution!: string;
  @PrimaryColumn({ name: 'pilot_id', type: 'text' }) pilotId!: string;
  @Column({ type: 'text' }) certificate!: string;
  @Column({ type: 'text', nullable: true }) level!: string | null;
  @Column({ name: 'partner_id', type: 'text' }) partnerId!: string;
  @Column({ name: 'program_codes', type: 'text', array: true }) programCodes!: string[];
  @Column({ name: 'launched_on', type: 'date' }) launchedOn!: string;
  /** Results by year: [{ year, trained, sat, passed }], in year order. */
  @Column({ type: 'jsonb', default: () => "'[]'" }) results!: unknown;
  /** Sequence of the last event about this pilot. */
  @Column({ type: 'integer' }) version!: number;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt!: Date;
}

export class CreateCertificatePilotDto {
  @ApiProperty({ example: '1X-2022-01' }) @IsEntityId() pilotId!: string;
  @ApiProperty({ example: '工业机器人操作与运维' }) @IsString() @Length(1, 200) certificate!: string;
  @ApiPropertyOptional({ example: '中级' }) @IsOptional() @IsString() @Length(1, 50) level?: string;
  @ApiProperty({ example: 'E001', description: 'The certificate body (PUT /partners/{partnerId} first)' }) @IsEntityId() partnerId!: string;
  @ApiProperty({ type: [String], example: ['460103'] })
  @IsArray()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  @Matches(ID_PATTERN, { each: true, message: 'each of programCodes must be 1-64 letters, digits, ".", "_", ":" or "-"' })
  programCodes!: string[];
  @ApiProperty({ example: '2022-03-01' }) @IsCalendarDate() launchedOn!: string;
}

export class PilotResultsDto {
  @ApiProperty({ example: 2022 }) @IsYear() year!: number;
  @ApiProperty({ example: 50 }) @IsInt() @Min(0) @Max(1_000_000) trained!: number;
  @ApiProperty({ example: 48 }) @IsInt() @Min(0) @Max(1_000_000) sat!: number;
  @ApiProperty({ example: 45 }) @IsInt() @Min(0) @Max(1_000_000) passed!: number;
}

export class PilotResultsBatchItemDto extends PilotResultsDto {
  @ApiProperty() @IsEntityId() pilotId!: string;
}

export class PilotResultsView extends PilotResultsDto {}

export class CertificatePilotView {
  @ApiProperty() pilotId!: string;
  @ApiProperty() certificate!: string;
  @ApiProperty({ nullable: true, type: String }) level!: string | null;
  @ApiProperty() partnerId!: string;
  @ApiProperty({ type: [String] }) programCodes!: string[];
  @ApiProperty() launchedOn!: string;
  @ApiProperty({ type: [PilotResultsView] }) results!: PilotResultsView[];
  @ApiProperty({ description: 'Sequence of the latest event about this pilot' }) version!: number;
}

export interface PilotResults {
  year: number;
  trained: number;
  sat: number;
  passed: number;
}

export interface PilotInput {
  pilotId: string;
  certificate: string;
  level: string | null;
  partnerId: string;
  programCodes: string[];
  launchedOn: string;
}

export interface CertificatePilotState extends PilotInput {
  results: PilotResults[];
  version: number;
}

/** POST /certificate-pilots: new, or a no-op repeat; other content for a known id is a conflict. */
export function decideLaunch(existing: CertificatePilotState | undefined, raw: PilotInput): Decision<CertificatePilotState> {
  const input = Object.assign({}, raw, { programCodes: sortedSet(raw.programCodes) });
  if (existing) {
    const same =
      existing.certificate === input.certificate &&
      existing.level === input.level &&
      existing.partnerId === input.partnerId &&
      existing.launchedOn === input.launchedOn &&
      sameList(existing.programCodes, input.programCodes);
    return same ? unchanged(existing) : fail('conflict', Code.PilotExists, `pilot ${input.pilotId} exists with other details`, 'pilotId');
  }
  return {
    ok: true,
    outcome: 'created',
    state: Object.assign({}, input, { results: [], version: 1 }),
    emit: emit(CertificatePilotLaunched, input),
  };
}

/** POST /certificate-pilots/{id}/results: a year's figures; the same year again with other figures replaces them. */
export function decideResults(
  existing: CertificatePilotState | undefined,
  pilotId: string,
  r: PilotResults,
): Decision<CertificatePilotState> {
  if (!existing) return fail('not_found', Code.PilotNotFound, `no certificate pilot ${pilotId}`, 'pilotId');
  if (r.sat > r.trained) return fail('invalid', Code.InvalidResults, 'sat must not exceed trained', 'sat');
  if (r.passed > r.sat) return fail('invalid', Code.InvalidResults, 'passed must not exceed sat', 'passed');
  const before = existing.results.find((x) => x.year === r.year);
  if (before && before.trained === r.trained && before.sat === r.sat && before.passed === r.passed) return unchanged(existing);
  const entry = { year: r.year, trained: r.trained, sat: r.sat, passed: r.passed };
  const results = [...existing.results.filter((x) => x.year !== r.year), entry].sort((a, b) => a.year - b.year);
  return {
    ok: true,
    outcome: 'updated',
    state: Object.assign({}, existing, { results, version: existing.version + 1 }),
    emit: emit(CertificatePilotResultsReported, Object.assign({ pilotId }, entry)),
  };
}

@Injectable()
export class CertificatePilotRepository extends RowTable<CertificatePilotState> {
  constructor() {
    super(
      'certificate_pilots',
      [{ column: 'pilot_id', prop: 'pilotId', type: 'text' }],
      [
        { column: 'certificate', prop: 'certificate', type: 'text' },
        { column: 'level', prop: 'level', type: 'text' },
        { column: 'partner_id', prop: 'partnerId', type: 'text' },
        { column: 'program_codes', prop: 'programCodes', type: 'text[]' },
        { column: 'launched_on', prop: 'launchedOn', type: 'date' },
        { column: 'results', prop: 'results', type: 'jsonb' },
        { column: 'version', prop: 'version', type: 'int' },
      ],
    );
  }
}

@Injectable()
export class CertificatePilotService {
  /** Single-item requests share transactions under load (group commit); see WriteCoalescer. */
  readonly launchOne = coalesced(this.launchMany.bind(this));
  readonly resultsOne = coalesced(this.resultsMany.bind(this));

  constructor(
    private readonly uow: WriteUnitOfWork,
    private readonly dataSource: DataSource,
    private readonly pilots: CertificatePilotRepository,
    private readonly partners: PartnerRepository,
  ) {}

  launchMany(ctx: WriteContext, items: CreateCertificatePilotDto[]): Promise<Array<ItemResult<CertificatePilotState>>> {
    return this.uow.run(async (m) => {
      const problems = await checkPartners(
        m,
        this.partners,
        ctx.institution,
        items.map((i) => [i.partnerId]),
        'partnerId',
      );
      return decideAll(
        m,
        ctx,
        this.pilots,
        items.map((i) => i.pilotId),
        (current, n) => {
          const i = items[n]!;
          if (problems[n]) return { ok: false, error: problems[n] };
          return decideLaunch(current, Object.assign({}, i, { level: i.level ?? null }));
        },
      );
    });
  }

  resultsMany(ctx: WriteContext, items: PilotResultsBatchItemDto[]): Promise<Array<ItemResult<CertificatePilotState>>> {
    return this.uow.run((m) =>
      decideAll(
        m,
        ctx,
        this.pilots,
        items.map((i) => i.pilotId),
        (current, n) => decideResults(current, items[n]!.pilotId, items[n]!),
      ),
    );
  }

  async get(institution: string, id: string): Promise<CertificatePilotState> {
    const found = await this.pilots.find(this.dataSource, institution, id);
    if (!found) throw new DomainError('not_found', Code.PilotNotFound, `no certificate pilot ${id}`);
    return found;
  }
}

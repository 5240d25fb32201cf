import { Injectable } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsString, Length, Matches } from 'class-validator';
import { Column, DataSource, Entity, PrimaryColumn } from 'typeorm';
import { ID_PATTERN, IndustryCollegeFounded } from '@chanjiao/contracts';
import { coalesced, DomainError, IsCalendarDate, IsEntityId, ItemResult, WriteContext, WriteUnitOfWork } from '@chanjiao/platform';
import { Decision, emit, fail, unchanged } from '@chanjiao/domain';
import { decideAll } from '../common/decide';
import { sameList, sortedSet } from '../common/lists';
import { RowTable } from '../common/row-table';
import { checkPartners } from '../agreements/agreement.service';
import { PartnerRepository } from '../partners/partner.repository';
import { PartnershipErrorCode as Code } from '../partnership.errors';

const ID_MESSAGE = ({ property }: { property: string }) => `each of ${property} must be 1-64 letters, digits, ".", "_", ":" or "-"`;

@Entity({ name: 'industry_colleges' })
export class IndustryCollegeEntity {
  @PrimaryColumn({ type: 'text' }) institution!: string;
  @PrimaryColumn({ name: 'college_id', type: 'text' }) collegeId!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ name: 'partner_ids', type: 'text', array: true }) partnerIds!: string[];
  @Column({ name: 'program_codes', type: 'text', array: true }) programCodes!: string[];
  @Column({ name: 'founded_on', type: 'date' }) foundedOn!: string;
  /** Sequence of the last event about this industry college. */
  @Column({ type: 'integer' }) version!: number;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt!: Date;
}

export class CreateIndustryCollegeDto {
  @ApiProperty({ example: 'IC-01' }) @IsEntityId() collegeId!: string;
  @ApiProperty({ example: '纺织产业学院' }) @IsString() @Length(1, 200) name!: string;
  @ApiProperty({ type: [String], example: ['E001'], description: 'Partners (PUT /partners/{partnerId} first)' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Matches(ID_PATTERN, { each: true, message: ID_MESSAGE })
  partnerIds!: string[];
  @ApiPropertyOptional({ type: [String], example: ['460103'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  @Matches(ID_PATTERN, { each: true, message: ID_MESSAGE })
  programCodes?: string[];
  @ApiProperty({ example: '2021-09-01' }) @IsCalendarDate() foundedOn!: string;
}

export class IndustryCollegeView {
  @ApiProperty() collegeId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: [String] }) partnerIds!: string[];
  @ApiProperty({ type: [String] }) programCodes!: string[];
  @ApiProperty() foundedOn!: string;
  @ApiProperty({ description: 'Sequence of the latest event about this industry college' }) version!: number;
}

export interface IndustryCollegeState {
  collegeId: string;
  name: string;
  partnerIds: string[];
  programCodes: string[];
  foundedOn: string;
  version: number;
}

/** POST /industry-colleges: new, or a no-op repeat; other content for a known id is a conflict. */
export function decideFound(
  existing: IndustryCollegeState | undefined,
  raw: Omit<IndustryCollegeState, 'version'>,
): Decision<IndustryCollegeState> {
  const input = Object.assign({}, raw, { partnerIds: sortedSet(raw.partnerIds), programCodes: sortedSet(raw.programCodes) });
  if (existing) {
    const same =
      existing.name === input.name &&
      existing.foundedOn === input.foundedOn &&
      sameList(existing.partnerIds, input.partnerIds) &&
      sameList(existing.programCodes, input.programCodes);
    return same
      ? unchanged(existing)
      : fail('conflict', Code.IndustryCollegeExists, `industry college ${input.collegeId} exists with other details`, 'collegeId');
  }
  return { ok: true, outcome: 'created', state: Object.assign({}, input, { version: 1 }), emit: emit(IndustryCollegeFounded, input) };
}

@Injectable()
export class IndustryCollegeRepository extends RowTable<IndustryCollegeState> {
  constructor() {
    super(
      'industry_colleges',
      [{ column: 'college_id', prop: 'collegeId', type: 'text' }],
      [
        { column: 'name', prop: 'name', type: 'text' },
        { column: 'partner_ids', prop: 'partnerIds', type: 'text[]' },
        { column: 'program_codes', prop: 'programCodes', type: 'text[]' },
        { column: 'founded_on', prop: 'foundedOn', type: 'date' },
        { column: 'version', prop: 'version', type: 'int' },
      ],
    );
  }
}

@Injectable()
export class IndustryCollegeService {
  /** Single-item requests share transactions under load (group commit); see WriteCoalescer. */
  readonly foundOne = coalesced(this.foundMany.bind(this));

  constructor(
    private readonly uow: WriteUnitOfWork,
    private readonly dataSource: DataSource,
    private readonly colleges: IndustryCollegeRepository,
    private readonly partners: PartnerRepository,
  ) {}

  foundMany(ctx: WriteContext, items: CreateIndustryCollegeDto[]): Promise<Array<ItemResult<IndustryCollegeState>>> {
    return this.uow.run(async (m) => {
      const problems = await checkPartners(
        m,
        this.partners,
        ctx.institution,
        items.map((i) => i.partnerIds),
        'partnerIds',
      );
      return decideAll(
        m,
        ctx,
        this.colleges,
        items.map((i) => i.collegeId),
        (current, n) => {
          const i = items[n]!;
          if (problems[n]) return { ok: false, error: problems[n] };
          return decideFound(current, {
            collegeId: i.collegeId,
            name: i.name,
            partnerIds: i.partnerIds,
            programCodes: i.programCodes ?? [],
            foundedOn: i.foundedOn,
          });
        },
      );
    });
  }

  async get(institution: string, id: string): Promise<IndustryCollegeState> {
    const found = await this.colleges.find(this.dataSource, institution, id);
    if (!found) throw new DomainError('not_found', Code.IndustryCollegeNotFound, `no industry college ${id}`);
    return found;
  }
}

import { Injectable } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { Column, DataSource, Entity, EntityManager, PrimaryColumn } from 'typeorm';
import {
  buildEvent,
  CloudEvent,
  INVESTMENT_SOURCES,
  InvestmentSource,
  Sector,
  SECTORS,
  TrainingBaseInvestmentRecorded,
  TrainingBaseRegistered,
  TrainingBaseUpdated,
} from '@chanjiao/contracts';
import {
  coalesced,
  DomainError,
  IsCalendarDate,
  IsEntityId,
  ItemResult,
  actorAt,
  Page,
  PageQuery,
  pageRequest,
  traceparentAt,
  WriteContext,
  WriteUnitOfWork,
} from '@chanjiao/platform';
import { Decision, emit, unchanged } from '@chanjiao/domain';
import { decideAll } from '../common/decide';
import { RowTable } from '../common/row-table';
import { IsMoney, normalizeMoney } from '../common/validators';
import { PartnershipErrorCode as Code } from '../partnership.errors';

@Entity({ name: 'training_bases' })
export class TrainingBaseEntity {
  @PrimaryColumn({ type: 'text' }) institution!: string;
  @PrimaryColumn({ name: 'base_id', type: 'text' }) baseId!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text' }) kind!: string;
  @Column({ type: 'text', nullable: true }) sector!: string | null;
  /** Sequence of the last event about this base (investments included: their subject is the base). */
  @Column({ type: 'integer' }) version!: number;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt!: Date;
}

@Entity({ name: 'training_base_investments' })
export class TrainingBaseInvestmentEntity {
  @PrimaryColumn({ type: 'text' }) institution!: string;
  @PrimaryColumn({ name: 'base_id', type: 'text' }) baseId!: string;
  @PrimaryColumn({ name: 'investment_id', type: 'text' }) investmentId!: string;
  /** CNY, exact. */
  @Column({ type: 'numeric', precision: 15, scale: 2 }) amount!: string;
  @Column({ type: 'text' }) source!: string;
  @Column({ type: 'date' }) date!: string;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt!: Date;
}

export class PutTrainingBaseDto {
  @ApiProperty({ example: '纺织实训中心' }) @IsString() @Length(1, 200) name!: string;
  @ApiProperty({ example: 'productive', description: 'Kind of base as the college classifies it (e.g. on_campus, off_campus, productive)' })
  @IsString()
  @Length(1, 100)
  kind!: string;
  @ApiPropertyOptional({ enum: SECTORS }) @IsOptional() @IsIn(SECTORS) sector?: Sector;
}

export class TrainingBaseBatchItemDto extends PutTrainingBaseDto {
  @ApiProperty({ example: 'TB-01' }) @IsEntityId() baseId!: string;
}

export class InvestmentDto {
  @ApiProperty({ example: 'INV-2021-001' }) @IsEntityId() investmentId!: string;
  @ApiProperty({ example: '403000000.00', description: 'CNY as a decimal string (at most two decimals); never a float' })
  @IsMoney()
  amount!: string;
  @ApiProperty({ enum: INVESTMENT_SOURCES }) @IsIn(INVESTMENT_SOURCES) source!: InvestmentSource;
  @ApiProperty({ example: '2021-06-30' }) @IsCalendarDate() date!: string;
}

export class InvestmentBatchItemDto extends InvestmentDto {
  @ApiProperty({ example: 'TB-01' }) @IsEntityId() baseId!: string;
}

export class TrainingBaseView {
  @ApiProperty() baseId!: string;
  @ApiProperty() name!: string;
  @ApiProperty() kind!: string;
  @ApiProperty({ enum: SECTORS, nullable: true }) sector!: Sector | null;
  @ApiProperty({ description: 'Sequence of the latest event about this base' }) version!: number;
}

export class InvestmentView {
  @ApiProperty() baseId!: string;
  @ApiProperty() investmentId!: string;
  @ApiProperty({ example: '403000000.00' }) amount!: string;
  @ApiProperty({ enum: INVESTMENT_SOURCES }) source!: InvestmentSource;
  @ApiProperty() date!: string;
}

export interface TrainingBaseState {
  baseId: string;
  name: string;
  kind: string;
  sector: Sector | null;
  version: number;
}

export interface InvestmentState {
  baseId: string;
  investmentId: string;
  amount: string;
  source: InvestmentSource;
  date: string;
}

/** PUT /training-bases/{baseId}: create, update (next version) or nothing if identical. */
export function decideBasePut(
  existing: TrainingBaseState | undefined,
  input: Omit<TrainingBaseState, 'version'>,
): Decision<TrainingBaseState> {
  if (!existing)
    return { ok: true, outcome: 'created', state: Object.assign({}, input, { version: 1 }), emit: emit(TrainingBaseRegistered, input) };
  if (existing.name === input.name && existing.kind === input.kind && existing.sector === input.sector) return unchanged(existing);
  return {
    ok: true,
    outcome: 'updated',
    state: Object.assign({}, input, { version: existing.version + 1 }),
    emit: emit(TrainingBaseUpdated, input),
  };
}

/** An investment in a base: new (the base's next version), an identical repeat (no-op), or a conflict. */
export function decideInvestment(
  base: TrainingBaseState | undefined,
  existing: InvestmentState | undefined,
  input: InvestmentState,
): { ok: true; outcome: 'created' | 'unchanged'; value: InvestmentState } | { ok: false; error: DomainError } {
  if (!base)
    return { ok: false, error: new DomainError('not_found', Code.TrainingBaseNotFound, `no training base ${input.baseId}`, 'baseId') };
  if (existing) {
    const same = existing.amount === input.amount && existing.source === input.source && existing.date === input.date;
    if (same) return { ok: true, outcome: 'unchanged', value: existing };
    return {
      ok: false,
      error: new DomainError(
        'conflict',
        Code.InvestmentExists,
        `investment ${input.investmentId} exists with other details`,
        'investmentId',
      ),
    };
  }
  return { ok: true, outcome: 'created', value: input };
}

@Injectable()
export class TrainingBaseRepository extends RowTable<TrainingBaseState> {
  constructor() {
    super(
      'training_bases',
      [{ column: 'base_id', prop: 'baseId', type: 'text' }],
      [
        { column: 'name', prop: 'name', type: 'text' },
        { column: 'kind', prop: 'kind', type: 'text' },
        { column: 'sector', prop: 'sector', type: 'text' },
        { column: 'version', prop: 'version', type: 'int' },
      ],
    );
  }
}

@Injectable()
export class InvestmentRepository extends RowTable<InvestmentState> {
  constructor() {
    super(
      'training_base_investments',
      [
        { column: 'base_id', prop: 'baseId', type: 'text' },
        { column: 'investment_id', prop: 'investmentId', type: 'text' },
      ],
      [
        { column: 'amount', prop: 'amount', type: 'numeric' },
        { column: 'source', prop: 'source', type: 'text' },
        { column: 'date', prop: 'date', type: 'date' },
      ],
    );
  }
}

@Injectable()
export class TrainingBaseService {
  /** Single-item requests share transactions under load (group commit); see WriteCoalescer. */
  readonly investOne = coalesced(this.investMany.bind(this));
  readonly putOne = coalesced(this.putMany.bind(this));

  constructor(
    private readonly uow: WriteUnitOfWork,
    private readonly dataSource: DataSource,
    private readonly bases: TrainingBaseRepository,
    private readonly investments: InvestmentRepository,
  ) {}

  putMany(ctx: WriteContext, items: TrainingBaseBatchItemDto[]): Promise<Array<ItemResult<TrainingBaseState>>> {
    return this.uow.run((m) =>
      decideAll(
        m,
        ctx,
        this.bases,
        items.map((i) => i.baseId),
        (current, n) => {
          const i = items[n]!;
          return decideBasePut(current, { baseId: i.baseId, name: i.name, kind: i.kind, sector: i.sector ?? null });
        },
      ),
    );
  }

  /** Investments in order; each new one is the next version of its base (the event's subject). */
  investMany(ctx: WriteContext, items: InvestmentBatchItemDto[]): Promise<Array<ItemResult<InvestmentState>>> {
    return this.uow.run(async (m: EntityManager) => {
      const bases = await this.bases.lockMany(
        m,
        ctx.institution,
        items.map((i) => [i.baseId]),
      );
      const known = await this.investments.lockMany(
        m,
        ctx.institution,
        items.map((i) => [i.baseId, i.investmentId]),
      );
      const created: InvestmentState[] = [];
      const changedBases = new Map<string, TrainingBaseState>();
      const events: CloudEvent[] = [];
      const result = items.map((i, index): ItemResult<InvestmentState> => {
        const input: InvestmentState = {
          baseId: i.baseId,
          investmentId: i.investmentId,
          amount: normalizeMoney(i.amount),
          source: i.source,
          date: i.date,
        };
        const key = JSON.stringify([i.baseId, i.investmentId]);
        const baseKey = JSON.stringify([i.baseId]);
        const base = bases.get(baseKey);
        const d = decideInvestment(base, known.get(key), input);
        if (!d.ok || d.outcome === 'unchanged') return d;
        const next = Object.assign({}, base!, { version: base!.version + 1 });
        bases.set(baseKey, next);
        changedBases.set(i.baseId, next);
        known.set(key, input);
        created.push(input);
        events.push(
          buildEvent(TrainingBaseInvestmentRecorded, {
            institution: ctx.institution,
            subject: i.baseId,
            sequence: next.version,
            data: input,
            traceparent: traceparentAt(ctx, index),
            actor: actorAt(ctx, index),
          }),
        );
        return d;
      });
      await this.investments.saveMany(m, ctx.institution, created, []);
      await this.bases.saveMany(m, ctx.institution, [], [...changedBases.values()]);
      return { result, events };
    });
  }

  async get(institution: string, id: string): Promise<TrainingBaseState> {
    const found = await this.bases.find(this.dataSource, institution, id);
    if (!found) throw new DomainError('not_found', Code.TrainingBaseNotFound, `no training base ${id}`);
    return found;
  }

  async listInvestments(institution: string, baseId: string, page: PageQuery): Promise<Page<InvestmentState>> {
    await this.get(institution, baseId);
    return this.investments.page(this.dataSource, institution, pageRequest(page, this.investments.keyParts), 'base_id = $2', [baseId]);
  }
}

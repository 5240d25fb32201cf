import { Injectable } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { Column, DataSource, Entity, PrimaryColumn } from 'typeorm';
import { OrderClassOpened, OrderClassUpdated } from '@chanjiao/contracts';
import { coalesced, DomainError, IsEntityId, IsYear, ItemResult, WriteContext, WriteUnitOfWork } from '@chanjiao/platform';
import { Decision, emit, unchanged } from '@chanjiao/domain';
import { decideAll } from '../common/decide';
import { RowTable } from '../common/row-table';
import { checkPartners } from '../agreements/agreement.service';
import { PartnerRepository } from '../partners/partner.repository';
import { PartnershipErrorCode } from '../partnership.errors';

@Entity({ name: 'order_classes' })
export class OrderClassEntity {
  @PrimaryColumn({ type: 'text' }) institution!: string;
  @PrimaryColumn({ name: 'order_class_id', type: 'text' }) orderClassId!: string;
  @Column({ name: 'partner_id', type: 'text' }) partnerId!: string;
  @Column({ name: 'program_code', type: 'text' }) programCode!: string;
  @Column({ name: 'cohort_year', type: 'integer' }) cohortYear!: number;
  @Column({ type: 'integer' }) students!: number;
  /** Sequence of the last event about this order class. */
  @Column({ type: 'integer' }) version!: number;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt!: Date;
}

export class CreateOrderClassDto {
  @ApiProperty({ example: 'OC-2022-01' }) @IsEntityId() orderClassId!: string;
  @ApiProperty({ example: 'E001', description: 'The partner enterprise (PUT /partners/{partnerId} first)' })
  @IsEntityId()
  partnerId!: string;
  @ApiProperty({ example: '460103' }) @IsEntityId() programCode!: string;
  @ApiProperty({ example: 2022 }) @IsYear() cohortYear!: number;
  @ApiProperty({ example: 40, description: 'Students in the class' }) @IsInt() @Min(0) @Max(100000) students!: number;
}

export class OrderClassView extends CreateOrderClassDto {
  @ApiProperty({ description: 'Sequence of the latest event about this order class' }) version!: number;
}

export interface OrderClassState {
  orderClassId: string;
  partnerId: string;
  programCode: string;
  cohortYear: number;
  students: number;
  version: number;
}

/** POST /order-classes: create, or update (e.g. the number of students; next version), or nothing if identical. */
export function decideOrderClass(
  existing: OrderClassState | undefined,
  input: Omit<OrderClassState, 'version'>,
): Decision<OrderClassState> {
  if (!existing)
    return { ok: true, outcome: 'created', state: Object.assign({}, input, { version: 1 }), emit: emit(OrderClassOpened, input) };
  const same =
    existing.partnerId === input.partnerId &&
    existing.programCode === input.programCode &&
    existing.cohortYear === input.cohortYear &&
    existing.students === input.students;
  if (same) return unchanged(existing);
  return {
    ok: true,
    outcome: 'updated',
    state: Object.assign({}, input, { version: existing.version + 1 }),
    emit: emit(OrderClassUpdated, input),
  };
}

@Injectable()
export class OrderClassRepository extends RowTable<OrderClassState> {
  constructor() {
    super(
      'order_classes',
      [{ column: 'order_class_id', prop: 'orderClassId', type: 'text' }],
      [
        { column: 'partner_id', prop: 'partnerId', type: 'text' },
        { column: 'program_code', prop: 'programCode', type: 'text' },
        { column: 'cohort_year', prop: 'cohortYear', type: 'int' },
        { column: 'students', prop: 'students', type: 'int' },
        { column: 'version', prop: 'version', type: 'int' },
      ],
    );
  }
}

@Injectable()
export class OrderClassService {
  /** Single-item requests share transactions under load (group commit); see WriteCoalescer. */
  readonly createOne = coalesced(this.createMany.bind(this));

  constructor(
    private readonly uow: WriteUnitOfWork,
    private readonly dataSource: DataSource,
    private readonly orderClasses: OrderClassRepository,
    private readonly partners: PartnerRepository,
  ) {}

  createMany(ctx: WriteContext, items: CreateOrderClassDto[]): Promise<Array<ItemResult<OrderClassState>>> {
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
        this.orderClasses,
        items.map((i) => i.orderClassId),
        (current, n) => {
          const i = items[n]!;
          if (problems[n]) return { ok: false, error: problems[n] };
          return decideOrderClass(current, {
            orderClassId: i.orderClassId,
            partnerId: i.partnerId,
            programCode: i.programCode,
            cohortYear: i.cohortYear,
            students: i.students,
          });
        },
      );
    });
  }

  async get(institution: string, id: string): Promise<OrderClassState> {
    const found = await this.orderClasses.find(this.dataSource, institution, id);
    if (!found) throw new DomainError('not_found', PartnershipErrorCode.OrderClassNotFound, `no order class ${id}`);
    return found;
  }
}

import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '@chanjiao/domain';
import { Page } from '@chanjiao/persistence';
import { coalesced, decideWrite, ItemResult, WriteContext, WriteUnitOfWork } from '@chanjiao/write';
import { PageQuery, pageRequest } from '@chanjiao/edge';
import { decideAll } from '../common/decide';
import { normalizeMoney } from '../common/validators';
import { PartnershipErrorCode as Code } from '../partnership.errors';
import { TrainingBaseBatchItemDto, InvestmentBatchItemDto } from './training-base.dto';
import { TrainingBaseState, InvestmentState, decideBasePut, decideInvestment } from './training-base.domain';
import { TrainingBaseRepository, InvestmentRepository } from './training-base.repository';

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
      const baseKey = (baseId: string) => JSON.stringify([baseId]);
      const changedBases = new Map<string, TrainingBaseState>();
      const write = decideWrite(
        ctx,
        known,
        items.map((i) => JSON.stringify([i.baseId, i.investmentId])),
        (existing, index) => {
          const i = items[index]!;
          const input: InvestmentState = {
            baseId: i.baseId,
            investmentId: i.investmentId,
            amount: normalizeMoney(i.amount),
            source: i.source,
            date: i.date,
          };
          const base = bases.get(baseKey(i.baseId));
          const d = decideInvestment(base, existing, input);
          if (d.ok && d.emit) {
            // The investment is the base's next change: the event's sequence is the base's new version.
            const next = Object.assign({}, base!, { version: base!.version + 1 });
            bases.set(baseKey(i.baseId), next);
            changedBases.set(i.baseId, next);
          }
          return d;
        },
        { subject: (_key, s) => s.baseId, sequence: (s) => bases.get(baseKey(s.baseId))!.version },
      );
      await this.investments.saveMany(m, ctx.institution, write.created, []);
      await this.bases.saveMany(m, ctx.institution, [], [...changedBases.values()]);
      return write;
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

import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { buildEvent, CloudEvent, TrainingBaseInvestmentRecorded } from '@chanjiao/contracts';
import {
  coalesced,
  DomainError,
  ItemResult,
  actorAt,
  Page,
  PageQuery,
  pageRequest,
  traceparentAt,
  WriteContext,
  WriteUnitOfWork,
} from '@chanjiao/platform';
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

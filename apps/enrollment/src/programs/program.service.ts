import { Inject, Injectable } from '@nestjs/common';
import { buildEvent, CloudEvent } from '@chanjiao/contracts';
import type { ServiceEnv } from '@chanjiao/persistence';
import {
  coalesced,
  DomainError,
  ItemResult,
  actorAt,
  Page,
  PageRequest,
  Quota,
  SERVICE_ENV,
  traceparentAt,
  WriteContext,
  WriteUnitOfWork,
} from '@chanjiao/platform';
import { ProgramBatchItemDto } from './program.dto';
import { decideProgramPut, ProgramState } from './program.domain';
import { ProgramRepository } from './program.repository';

@Injectable()
export class ProgramService {
  /** Single-item requests share transactions under load (group commit); see WriteCoalescer. */
  readonly put = coalesced(this.putMany.bind(this));

  /** An overview or list reads an institution's programs: a college has tens, 10,000 is far past any. */
  private readonly quota: Quota;

  constructor(
    private readonly uow: WriteUnitOfWork,
    private readonly programs: ProgramRepository,
    @Inject(SERVICE_ENV) env: ServiceEnv,
  ) {
    this.quota = new Quota('MAX_PROGRAMS_PER_INSTITUTION', ['专业', 'programs'], env.MAX_PROGRAMS_PER_INSTITUTION, 'programs');
  }

  /** Applies PUTs in order in one transaction; an item repeated in the batch sees the earlier one. */
  putMany(ctx: WriteContext, items: ProgramBatchItemDto[]): Promise<Array<ItemResult<ProgramState>>> {
    return this.uow.run(async (m) => {
      const current = await this.programs.lockMany(
        m,
        ctx.institution,
        items.map((i) => i.code),
      );
      const room = items.some((i) => !current.has(i.code)) ? await this.quota.room(m, ctx.institution) : undefined;
      const created = new Map<string, ProgramState>();
      const updated = new Map<string, ProgramState>();
      const events: CloudEvent[] = [];
      const results = items.map((item, index): ItemResult<ProgramState> => {
        const decision = decideProgramPut(current.get(item.code), {
          code: item.code,
          name: item.name,
          category: item.category,
          cluster: item.cluster ?? null,
          level: item.level,
          sectors: item.sectors,
          status: item.status,
        });
        const overQuota = decision.outcome === 'created' ? room!.take() : undefined;
        if (overQuota) return { ok: false, error: overQuota };
        if (decision.outcome !== 'unchanged') {
          current.set(item.code, decision.state);
          (created.has(item.code) || decision.outcome === 'created' ? created : updated).set(item.code, decision.state);
          const { version, ...data } = decision.state;
          events.push(
            buildEvent(decision.event, {
              institution: ctx.institution,
              subject: item.code,
              sequence: version,
              data,
              traceparent: traceparentAt(ctx, index),
              actor: actorAt(ctx, index),
            }),
          );
        }
        return { ok: true, outcome: decision.outcome, value: decision.state };
      });
      await this.programs.saveMany(m, ctx.institution, [...created.values()], [...updated.values()]);
      return { result: results, events };
    });
  }

  async get(institution: string, code: string): Promise<ProgramState> {
    const found = await this.programs.find(institution, code);
    if (!found) throw new DomainError('not_found', 'program_not_found', `no program ${code}`);
    return found;
  }

  list(institution: string, page: PageRequest): Promise<Page<ProgramState>> {
    return this.programs.page(institution, page);
  }
}

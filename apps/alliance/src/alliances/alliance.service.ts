import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_ENV, type ServiceEnv } from '@chanjiao/config';
import { Page, PageRequest } from '@chanjiao/persistence';
import { coalesced, decideWrite, ItemResult, Quota, WriteContext, WriteUnitOfWork } from '@chanjiao/write';
import { allianceNotFound } from '../common/refusals';
import { CharterBatchItemDto } from '../charters/charter.dto';
import { CharterState, decideCharter } from '../charters/charter.domain';
import { CharterRepository } from '../charters/charter.repository';
import { AllianceBatchItemDto } from './alliance.dto';
import { AllianceState, decideAlliancePut } from './alliance.domain';
import { AllianceRepository } from './alliance.repository';

@Injectable()
export class AllianceService {
  /** Single-item requests share transactions under load (group commit); see WriteCoalescer. */
  readonly adoptCharterOne = coalesced(this.adoptCharters.bind(this));
  readonly putOne = coalesced(this.putMany.bind(this));

  /** The alliances report lists every alliance of the institution: a college is in a handful, 1,000 is far past any. */
  private readonly quota: Quota;

  constructor(
    private readonly uow: WriteUnitOfWork,
    private readonly alliances: AllianceRepository,
    private readonly charters: CharterRepository,
    @Inject(SERVICE_ENV) env: ServiceEnv,
  ) {
    this.quota = new Quota('MAX_ALLIANCES_PER_INSTITUTION', ['联盟', 'alliances'], env.MAX_ALLIANCES_PER_INSTITUTION, 'alliances');
  }

  /** PUTs in order, in one transaction; an alliance repeated in the batch sees the earlier item. */
  putMany(ctx: WriteContext, items: AllianceBatchItemDto[]): Promise<Array<ItemResult<AllianceState>>> {
    return this.uow.run(async (m) => {
      const current = await this.alliances.lockMany(
        m,
        ctx.institution,
        items.map((i) => i.allianceId),
        'update',
      );
      // Only a founding moved later can pass a record: then the alliance's first one is looked up.
      const movedLater = items.filter((i) => i.foundedOn > (current.get(i.allianceId)?.foundedOn ?? i.foundedOn)).map((i) => i.allianceId);
      const firstRecords =
        movedLater.length > 0 ? await this.alliances.firstRecords(m, ctx.institution, movedLater) : new Map<string, string>();
      const room = items.some((i) => !current.has(i.allianceId)) ? await this.quota.room(m, ctx.institution) : undefined;
      const write = decideWrite(
        ctx,
        current,
        items.map((i) => i.allianceId),
        (row, index) => {
          const i = items[index]!;
          const d = decideAlliancePut(
            row,
            {
              allianceId: i.allianceId,
              name: i.name,
              scope: i.scope,
              sector: i.sector ?? null,
              foundedOn: i.foundedOn,
              role: i.role,
            },
            firstRecords.get(i.allianceId),
          );
          return room ? room.admit(d) : d;
        },
      );
      await this.alliances.saveMany(m, ctx.institution, write.created, write.updated);
      return write;
    });
  }

  /** Charters of several alliances; each alliance's row is locked so its charters are numbered in order. */
  adoptCharters(ctx: WriteContext, items: CharterBatchItemDto[]): Promise<Array<ItemResult<CharterState>>> {
    return this.uow.run(async (m) => {
      const ids = items.map((i) => i.allianceId);
      const alliances = await this.alliances.lockMany(m, ctx.institution, ids, 'update');
      const charters = await this.charters.byAlliance(m, ctx.institution, ids);
      // A charter is decided against its alliance's charters so far, kept here; the write only stages new ones.
      const write = decideWrite(
        ctx,
        new Map<string, CharterState>(),
        items.map((i) => `${i.allianceId}#${i.version}`),
        (_row, index) => {
          const i = items[index]!;
          const alliance = alliances.get(i.allianceId);
          if (!alliance) return { ok: false, error: allianceNotFound(i.allianceId) };
          const known = charters.get(i.allianceId) ?? [];
          const d = decideCharter(
            known,
            {
              allianceId: i.allianceId,
              version: i.version,
              adoptedOn: i.adoptedOn,
              summary: i.summary ?? null,
            },
            alliance.foundedOn,
          );
          if (d.ok && d.outcome === 'created') charters.set(i.allianceId, [...known, d.state]);
          return d;
        },
        { subject: (_key, _state, index) => items[index]!.allianceId, sequence: (s) => s.sequence },
      );
      await this.charters.insertMany(m, ctx.institution, write.created);
      return write;
    });
  }

  async get(institution: string, allianceId: string): Promise<AllianceState> {
    const found = await this.alliances.find(institution, allianceId);
    if (!found) throw allianceNotFound(allianceId);
    return found;
  }

  list(institution: string, page: PageRequest): Promise<Page<AllianceState>> {
    return this.alliances.page(institution, page);
  }

  async listCharters(institution: string, allianceId: string, page: PageRequest): Promise<Page<CharterState>> {
    await this.get(institution, allianceId);
    return this.charters.page(institution, allianceId, page);
  }
}

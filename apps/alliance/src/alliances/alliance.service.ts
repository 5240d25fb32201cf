import { Injectable } from '@nestjs/common';
import { coalesced, Page, PageRequest, ItemResult, WriteContext, WriteUnitOfWork } from '@chanjiao/platform';
import { allianceNotFound, Staging } from '../common/staging';
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

  constructor(
    private readonly uow: WriteUnitOfWork,
    private readonly alliances: AllianceRepository,
    private readonly charters: CharterRepository,
  ) {}

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
      const staging = new Staging<AllianceState>(ctx);
      const results = items.map((i, index) => {
        const d = decideAlliancePut(
          current.get(i.allianceId),
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
        if (d.ok) current.set(i.allianceId, d.state);
        return staging.apply(index, i.allianceId, i.allianceId, d, (s) => s.version);
      });
      await this.alliances.saveMany(m, ctx.institution, [...staging.created.values()], [...staging.updated.values()]);
      return { result: results, events: staging.events };
    });
  }

  /** Charters of several alliances; each alliance's row is locked so its charters are numbered in order. */
  adoptCharters(ctx: WriteContext, items: CharterBatchItemDto[]): Promise<Array<ItemResult<CharterState>>> {
    return this.uow.run(async (m) => {
      const ids = items.map((i) => i.allianceId);
      const alliances = await this.alliances.lockMany(m, ctx.institution, ids, 'update');
      const charters = await this.charters.byAlliance(m, ctx.institution, ids);
      const staging = new Staging<CharterState>(ctx);
      const results = items.map((i, index): ItemResult<CharterState> => {
        if (!alliances.has(i.allianceId)) return { ok: false, error: allianceNotFound(i.allianceId) };
        const known = charters.get(i.allianceId) ?? [];
        const d = decideCharter(
          known,
          {
            allianceId: i.allianceId,
            version: i.version,
            adoptedOn: i.adoptedOn,
            summary: i.summary ?? null,
          },
          alliances.get(i.allianceId)!.foundedOn,
        );
        if (d.ok && d.outcome === 'created') charters.set(i.allianceId, [...known, d.state]);
        return staging.apply(index, `${i.allianceId}#${i.version}`, i.allianceId, d, (s) => s.sequence);
      });
      await this.charters.insertMany(m, ctx.institution, [...staging.created.values()]);
      return { result: results, events: staging.events };
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

import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Sector } from '@chanjiao/contracts';
import { DomainError } from '@chanjiao/domain';
import { Page } from '@chanjiao/persistence';
import { coalesced, ItemResult, WriteContext, WriteUnitOfWork } from '@chanjiao/write';
import { PageQuery, pageRequest } from '@chanjiao/edge';
import { decideAll } from '../common/decide';
import { checkPartners } from '../partners/partner-check';
import { PartnerRepository } from '../partners/partner.repository';
import { PartnershipErrorCode } from '../partnership.errors';
import { CreateAgreementDto } from './agreement.dto';
import { AgreementCommand, AgreementState, decideAgreementChange, decideSign } from './agreement.domain';
import { AgreementRepository } from './agreement.repository';

export type AgreementChangeItem = { agreementId: string; command: AgreementCommand };

@Injectable()
export class AgreementService {
  /** Single-item requests share transactions under load (group commit); see WriteCoalescer. */
  readonly changeOne = coalesced(this.changeMany.bind(this));
  readonly signOne = coalesced(this.signMany.bind(this));

  constructor(
    private readonly uow: WriteUnitOfWork,
    private readonly dataSource: DataSource,
    private readonly agreements: AgreementRepository,
    private readonly partners: PartnerRepository,
  ) {}

  signMany(ctx: WriteContext, items: CreateAgreementDto[]): Promise<Array<ItemResult<AgreementState>>> {
    return this.uow.run(async (m) => {
      const problems = await checkPartners(
        m,
        this.partners,
        ctx.institution,
        items.map((i) => i.partnerIds),
        'partnerIds',
      );
      const allIds = [...new Set(items.flatMap((i) => i.partnerIds))];
      const sectorOf = new Map(
        (await this.partners.list(m, ctx.institution, 'partner_id = ANY($2::text[])', [allIds])).map((p) => [p.partnerId, p.sector]),
      );
      return decideAll(
        m,
        ctx,
        this.agreements,
        items.map((i) => i.agreementId),
        (current, n) => {
          const i = items[n]!;
          const sectors = i.partnerIds.map((id) => sectorOf.get(id)).filter((s): s is Sector => s !== undefined);
          return decideSign(
            current,
            {
              agreementId: i.agreementId,
              partnerIds: i.partnerIds,
              kind: i.kind,
              forms: i.forms ?? [],
              programCodes: i.programCodes ?? [],
              signedOn: i.signedOn,
              effectiveFrom: i.effectiveFrom ?? null,
              expiresOn: i.expiresOn ?? null,
            },
            sectors,
          );
        },
        problems,
      );
    });
  }

  changeMany(ctx: WriteContext, items: AgreementChangeItem[]): Promise<Array<ItemResult<AgreementState>>> {
    return this.uow.run((m) =>
      decideAll(
        m,
        ctx,
        this.agreements,
        items.map((i) => i.agreementId),
        (current, n) => decideAgreementChange(current, items[n]!.agreementId, items[n]!.command),
      ),
    );
  }

  async get(institution: string, agreementId: string): Promise<AgreementState> {
    const found = await this.agreements.find(this.dataSource, institution, agreementId);
    if (!found) throw new DomainError('not_found', PartnershipErrorCode.AgreementNotFound, `no agreement ${agreementId}`);
    return found;
  }

  list(institution: string, page: PageQuery): Promise<Page<AgreementState>> {
    return this.agreements.page(this.dataSource, institution, pageRequest(page, this.agreements.keyParts));
  }
}

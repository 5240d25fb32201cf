import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, Principal, RequireAccess } from '@chanjiao/auth';
import { Page } from '@chanjiao/persistence';
import { BatchResultView, IdParamPipe, PageQuery, PageView, ParseBatchPipe, singleResult, toBatchResult, viewPage } from '@chanjiao/edge';
import {
  AgreementView,
  CreateAgreementDto,
  RenewalBatchItemDto,
  RenewalDto,
  TerminationBatchItemDto,
  TerminationDto,
  toAgreementView,
} from './agreement.dto';
import { AgreementChangeItem, AgreementService } from './agreement.service';

@ApiTags('agreements')
@ApiBearerAuth()
@RequireAccess('write')
@Controller()
export class AgreementController {
  constructor(private readonly agreements: AgreementService) {}

  @Post('agreements')
  @ApiOperation({
    summary: 'Record a signed agreement (201 created, 200 identical repeat, 409 same id with other details, 400 unknown partnerIds)',
  })
  @ApiOkResponse({ type: AgreementView })
  async sign(
    @CurrentPrincipal() p: Principal,
    @Body() body: CreateAgreementDto,
    @Headers('traceparent') traceparent: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AgreementView> {
    const result = await this.agreements.signOne({ institution: p.institution, actor: p.keyId, traceparent }, body);
    const { outcome, value } = singleResult(result);
    void reply.status(outcome === 'created' ? 201 : 200);
    return toAgreementView(value);
  }

  @Post('agreements::batch')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record up to 5,000 agreements in one transaction; per-item results' })
  @ApiBody({ type: [CreateAgreementDto] })
  @ApiOkResponse({ type: BatchResultView })
  async signBatch(
    @CurrentPrincipal() p: Principal,
    @Body(new ParseBatchPipe(CreateAgreementDto)) items: CreateAgreementDto[],
    @Headers('traceparent') traceparent: string | undefined,
  ): Promise<BatchResultView> {
    const results = await this.agreements.signMany({ institution: p.institution, actor: p.keyId, traceparent }, items);
    return toBatchResult(items.map((i, n) => ({ id: i.agreementId, result: results[n]! })));
  }

  @Get('agreements')
  @ApiOperation({ summary: "The agreements of the key's institution, a page at a time in id order (see README, Paging)" })
  @ApiOkResponse({ type: PageView(AgreementView) })
  async list(@CurrentPrincipal() p: Principal, @Query() q: PageQuery): Promise<Page<AgreementView>> {
    const page = await this.agreements.list(p.institution, q);
    return viewPage(page, toAgreementView);
  }

  @Get('agreements/:agreementId')
  @ApiOperation({ summary: 'An agreement by its id' })
  @ApiOkResponse({ type: AgreementView })
  async get(@CurrentPrincipal() p: Principal, @Param('agreementId', IdParamPipe) id: string): Promise<AgreementView> {
    return toAgreementView(await this.agreements.get(p.institution, id));
  }

  @Post('agreements/:agreementId/termination')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Terminate an agreement from `date` on, dated on or before its expiresOn (also once the expiry job has expired it: the ' +
      'termination replaces the expiry; after expiresOn is 409 date_conflict naming date); the reason is kept here, never published',
  })
  @ApiOkResponse({ type: AgreementView })
  terminate(
    @CurrentPrincipal() p: Principal,
    @Param('agreementId', IdParamPipe) id: string,
    @Body() b: TerminationDto,
    @Headers('traceparent') tp?: string,
  ) {
    return this.change(p, tp, { agreementId: id, command: { kind: 'termination', date: b.date, reason: b.reason ?? null } });
  }

  @Post('agreements/:agreementId/renewal')
  @HttpCode(200)
  @ApiOperation({ summary: 'Renew an active or expired agreement until a later expiresOn' })
  @ApiOkResponse({ type: AgreementView })
  renew(
    @CurrentPrincipal() p: Principal,
    @Param('agreementId', IdParamPipe) id: string,
    @Body() b: RenewalDto,
    @Headers('traceparent') tp?: string,
  ) {
    return this.change(p, tp, { agreementId: id, command: { kind: 'renewal', date: b.date, expiresOn: b.expiresOn } });
  }

  @Post('agreements/termination::batch')
  @ApiOperation({ summary: 'Terminate agreements, up to 5,000 in one transaction; per-item results' })
  @HttpCode(200)
  @ApiBody({ type: [TerminationBatchItemDto] })
  @ApiOkResponse({ type: BatchResultView })
  terminateBatch(
    @CurrentPrincipal() p: Principal,
    @Body(new ParseBatchPipe(TerminationBatchItemDto)) items: TerminationBatchItemDto[],
    @Headers('traceparent') tp?: string,
  ) {
    return this.changeBatch(
      p,
      tp,
      items.map((i) => ({ agreementId: i.agreementId, command: { kind: 'termination', date: i.date, reason: i.reason ?? null } })),
    );
  }

  @Post('agreements/renewal::batch')
  @ApiOperation({ summary: 'Renew agreements, up to 5,000 in one transaction; per-item results' })
  @HttpCode(200)
  @ApiBody({ type: [RenewalBatchItemDto] })
  @ApiOkResponse({ type: BatchResultView })
  renewBatch(
    @CurrentPrincipal() p: Principal,
    @Body(new ParseBatchPipe(RenewalBatchItemDto)) items: RenewalBatchItemDto[],
    @Headers('traceparent') tp?: string,
  ) {
    return this.changeBatch(
      p,
      tp,
      items.map((i) => ({ agreementId: i.agreementId, command: { kind: 'renewal', date: i.date, expiresOn: i.expiresOn } })),
    );
  }

  private async change(p: Principal, traceparent: string | undefined, item: AgreementChangeItem): Promise<AgreementView> {
    const result = await this.agreements.changeOne({ institution: p.institution, actor: p.keyId, traceparent }, item);
    return toAgreementView(singleResult(result).value);
  }

  private async changeBatch(p: Principal, traceparent: string | undefined, items: AgreementChangeItem[]): Promise<BatchResultView> {
    const results = await this.agreements.changeMany({ institution: p.institution, actor: p.keyId, traceparent }, items);
    return toBatchResult(items.map((i, n) => ({ id: i.agreementId, result: results[n]! })));
  }
}

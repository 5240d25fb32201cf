import { Body, Controller, Get, Headers, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, Principal, RequireAccess } from '@chanjiao/auth';
import { Page } from '@chanjiao/persistence';
import { BatchResultView, IdParamPipe, PageQuery, PageView, ParseBatchPipe, singleResult, toBatchResult, viewPage } from '@chanjiao/edge';
import { PartnerBatchItemDto, PartnerView, PutPartnerDto, toPartnerView } from './partner.dto';
import { PartnerService } from './partner.service';

@ApiTags('partners')
@ApiBearerAuth()
@RequireAccess('write')
@Controller()
export class PartnerController {
  constructor(private readonly partners: PartnerService) {}

  @Put('partners/:partnerId')
  @ApiOperation({ summary: 'Create or update a partner (201 created, 200 updated or unchanged); a bad credit code is a 400' })
  @ApiOkResponse({ type: PartnerView })
  async put(
    @CurrentPrincipal() p: Principal,
    @Param('partnerId', IdParamPipe) partnerId: string,
    @Body() body: PutPartnerDto,
    @Headers('traceparent') traceparent: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PartnerView> {
    const result = await this.partners.putOne(
      { institution: p.institution, actor: p.keyId, traceparent },
      Object.assign({}, body, { partnerId }),
    );
    const { outcome, value } = singleResult(result);
    void reply.status(outcome === 'created' ? 201 : 200);
    return toPartnerView(value);
  }

  @Put('partners::batch')
  @HttpCode(200)
  @ApiOperation({ summary: 'Create or update up to 5,000 partners in one transaction; per-item results' })
  @ApiBody({ type: [PartnerBatchItemDto] })
  @ApiOkResponse({ type: BatchResultView })
  async putBatch(
    @CurrentPrincipal() p: Principal,
    @Body(new ParseBatchPipe(PartnerBatchItemDto)) items: PartnerBatchItemDto[],
    @Headers('traceparent') traceparent: string | undefined,
  ): Promise<BatchResultView> {
    const results = await this.partners.putMany({ institution: p.institution, actor: p.keyId, traceparent }, items);
    return toBatchResult(items.map((item, i) => ({ id: item.partnerId, result: results[i]! })));
  }

  @Post('partners::batch')
  @HttpCode(200)
  @ApiOperation({ summary: 'Same as PUT /partners:batch (for clients that only POST batches)' })
  @ApiBody({ type: [PartnerBatchItemDto] })
  @ApiOkResponse({ type: BatchResultView })
  postBatch(
    @CurrentPrincipal() p: Principal,
    @Body(new ParseBatchPipe(PartnerBatchItemDto)) items: PartnerBatchItemDto[],
    @Headers('traceparent') traceparent: string | undefined,
  ): Promise<BatchResultView> {
    return this.putBatch(p, items, traceparent);
  }

  @Get('partners')
  @ApiOperation({ summary: "The partners of the key's institution, a page at a time in id order (see README, Paging)" })
  @ApiOkResponse({ type: PageView(PartnerView) })
  async list(@CurrentPrincipal() p: Principal, @Query() q: PageQuery): Promise<Page<PartnerView>> {
    return viewPage(await this.partners.list(p.institution, q), toPartnerView);
  }

  @Get('partners/:partnerId')
  @ApiOperation({ summary: 'A partner by its id' })
  @ApiOkResponse({ type: PartnerView })
  async get(@CurrentPrincipal() p: Principal, @Param('partnerId', IdParamPipe) partnerId: string): Promise<PartnerView> {
    return toPartnerView(await this.partners.get(p.institution, partnerId));
  }
}

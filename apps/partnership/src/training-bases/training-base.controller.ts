import { Body, Controller, Get, Headers, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, Principal, RequireAccess } from '@chanjiao/auth';
import { Page } from '@chanjiao/persistence';
import { BatchResultView, IdParamPipe, PageQuery, PageView, ParseBatchPipe, singleResult, toBatchResult, viewPage } from '@chanjiao/edge';
import {
  InvestmentBatchItemDto,
  InvestmentDto,
  InvestmentView,
  PutTrainingBaseDto,
  TrainingBaseBatchItemDto,
  TrainingBaseView,
  toInvestmentView,
  toTrainingBaseView,
} from './training-base.dto';
import { TrainingBaseService } from './training-base.service';

@ApiTags('training bases')
@ApiBearerAuth()
@RequireAccess('write')
@Controller()
export class TrainingBaseController {
  constructor(private readonly bases: TrainingBaseService) {}

  @Put('training-bases/:baseId')
  @ApiOperation({ summary: 'Create or update a training base (201 created, 200 updated or unchanged)' })
  @ApiOkResponse({ type: TrainingBaseView })
  async put(
    @CurrentPrincipal() p: Principal,
    @Param('baseId', IdParamPipe) baseId: string,
    @Body() body: PutTrainingBaseDto,
    @Headers('traceparent') traceparent: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TrainingBaseView> {
    const result = await this.bases.putOne(
      { institution: p.institution, actor: p.keyId, traceparent },
      Object.assign({}, body, { baseId }),
    );
    const { outcome, value } = singleResult(result);
    void reply.status(outcome === 'created' ? 201 : 200);
    return toTrainingBaseView(value);
  }

  @Put('training-bases::batch')
  @ApiOperation({ summary: 'Create or update training bases, up to 5,000 in one transaction; per-item results' })
  @HttpCode(200)
  @ApiBody({ type: [TrainingBaseBatchItemDto] })
  @ApiOkResponse({ type: BatchResultView })
  async putBatch(
    @CurrentPrincipal() p: Principal,
    @Body(new ParseBatchPipe(TrainingBaseBatchItemDto)) items: TrainingBaseBatchItemDto[],
    @Headers('traceparent') traceparent: string | undefined,
  ): Promise<BatchResultView> {
    const results = await this.bases.putMany({ institution: p.institution, actor: p.keyId, traceparent }, items);
    return toBatchResult(items.map((i, n) => ({ id: i.baseId, result: results[n]! })));
  }

  @Post('training-bases::batch')
  @HttpCode(200)
  @ApiOperation({ summary: 'Same as PUT /training-bases:batch (for clients that only POST batches)' })
  @ApiBody({ type: [TrainingBaseBatchItemDto] })
  @ApiOkResponse({ type: BatchResultView })
  postBatch(
    @CurrentPrincipal() p: Principal,
    @Body(new ParseBatchPipe(TrainingBaseBatchItemDto)) items: TrainingBaseBatchItemDto[],
    @Headers('traceparent') traceparent: string | undefined,
  ): Promise<BatchResultView> {
    return this.putBatch(p, items, traceparent);
  }

  @Post('training-bases/:baseId/investments')
  @ApiOperation({ summary: 'Record money invested in a base (201 created, 200 identical repeat, 409 same id with other details)' })
  @ApiOkResponse({ type: InvestmentView })
  async invest(
    @CurrentPrincipal() p: Principal,
    @Param('baseId', IdParamPipe) baseId: string,
    @Body() body: InvestmentDto,
    @Headers('traceparent') traceparent: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<InvestmentView> {
    const result = await this.bases.investOne(
      { institution: p.institution, actor: p.keyId, traceparent },
      Object.assign({}, body, { baseId }),
    );
    const { outcome, value } = singleResult(result);
    void reply.status(outcome === 'created' ? 201 : 200);
    return toInvestmentView(value);
  }

  @Post('training-bases/investments::batch')
  @ApiOperation({ summary: 'Record investments in training bases, up to 5,000 in one transaction; per-item results' })
  @HttpCode(200)
  @ApiBody({ type: [InvestmentBatchItemDto] })
  @ApiOkResponse({ type: BatchResultView })
  async investBatch(
    @CurrentPrincipal() p: Principal,
    @Body(new ParseBatchPipe(InvestmentBatchItemDto)) items: InvestmentBatchItemDto[],
    @Headers('traceparent') traceparent: string | undefined,
  ): Promise<BatchResultView> {
    const results = await this.bases.investMany({ institution: p.institution, actor: p.keyId, traceparent }, items);
    return toBatchResult(items.map((i, n) => ({ id: `${i.baseId}/${i.investmentId}`, result: results[n]! })));
  }

  @Get('training-bases/:baseId')
  @ApiOperation({ summary: 'A training base by its id' })
  @ApiOkResponse({ type: TrainingBaseView })
  async get(@CurrentPrincipal() p: Principal, @Param('baseId', IdParamPipe) id: string): Promise<TrainingBaseView> {
    return toTrainingBaseView(await this.bases.get(p.institution, id));
  }

  @Get('training-bases/:baseId/investments')
  @ApiOperation({ summary: 'The investments in a training base, a page at a time in id order' })
  @ApiOkResponse({ type: PageView(InvestmentView) })
  async investments(
    @CurrentPrincipal() p: Principal,
    @Param('baseId', IdParamPipe) id: string,
    @Query() q: PageQuery,
  ): Promise<Page<InvestmentView>> {
    return viewPage(await this.bases.listInvestments(p.institution, id, q), toInvestmentView);
  }
}

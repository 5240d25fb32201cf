import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Put, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConflictResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, Principal, RequireAccess } from '@chanjiao/auth';
import { Page } from '@chanjiao/persistence';
import { BatchResultView, IdParamPipe, PageQuery, pageRequest, PageView, ParseBatchPipe, toBatchResult, viewPage } from '@chanjiao/edge';
import { respond } from '../common/respond';
import { AdoptCharterDto, CharterBatchItemDto, CharterView, toCharterView } from '../charters/charter.dto';
import { AllianceBatchItemDto, AllianceView, PutAllianceDto, toAllianceView } from './alliance.dto';
import { AllianceService } from './alliance.service';

@ApiTags('alliances')
@ApiBearerAuth()
@RequireAccess('write')
@Controller()
export class AllianceController {
  constructor(private readonly alliances: AllianceService) {}

  @Put('alliances/:allianceId')
  @ApiOperation({ summary: "Register or update an alliance and this institution's role in it (201 created, 200 updated or unchanged)" })
  @ApiOkResponse({ type: AllianceView })
  @ApiConflictResponse({ description: 'quota_exceeded: a new alliance past MAX_ALLIANCES_PER_INSTITUTION (nothing written)' })
  async put(
    @CurrentPrincipal() p: Principal,
    @Param('allianceId', IdParamPipe) allianceId: string,
    @Body() body: PutAllianceDto,
    @Headers('traceparent') traceparent: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AllianceView> {
    const result = await this.alliances.putOne(
      { institution: p.institution, actor: p.keyId, traceparent },
      Object.assign({}, body, { allianceId }),
    );
    return respond(result, reply, toAllianceView);
  }

  @Put('alliances::batch')
  @HttpCode(200)
  @ApiOperation({ summary: 'Register or update up to 5,000 alliances in one transaction; per-item results' })
  @ApiBody({ type: [AllianceBatchItemDto] })
  @ApiOkResponse({ type: BatchResultView })
  async putBatch(
    @CurrentPrincipal() p: Principal,
    @Body(new ParseBatchPipe(AllianceBatchItemDto)) items: AllianceBatchItemDto[],
    @Headers('traceparent') traceparent: string | undefined,
  ): Promise<BatchResultView> {
    const results = await this.alliances.putMany({ institution: p.institution, actor: p.keyId, traceparent }, items);
    return toBatchResult(items.map((item, i) => ({ id: item.allianceId, result: results[i]! })));
  }

  @Post('alliances::batch')
  @HttpCode(200)
  @ApiOperation({ summary: 'Same as PUT /alliances:batch' })
  @ApiBody({ type: [AllianceBatchItemDto] })
  @ApiOkResponse({ type: BatchResultView })
  postBatch(
    @CurrentPrincipal() p: Principal,
    @Body(new ParseBatchPipe(AllianceBatchItemDto)) items: AllianceBatchItemDto[],
    @Headers('traceparent') traceparent: string | undefined,
  ): Promise<BatchResultView> {
    return this.putBatch(p, items, traceparent);
  }

  @Get('alliances')
  @ApiOperation({ summary: "The alliances of the key's institution, a page at a time in id order (see README, Paging)" })
  @ApiOkResponse({ type: PageView(AllianceView) })
  async list(@CurrentPrincipal() p: Principal, @Query() q: PageQuery): Promise<Page<AllianceView>> {
    return viewPage(await this.alliances.list(p.institution, pageRequest(q, ['text'])), toAllianceView);
  }

  @Get('alliances/:allianceId')
  @ApiOperation({ summary: 'An alliance by its id' })
  @ApiOkResponse({ type: AllianceView })
  async get(@CurrentPrincipal() p: Principal, @Param('allianceId', IdParamPipe) allianceId: string): Promise<AllianceView> {
    return toAllianceView(await this.alliances.get(p.institution, allianceId));
  }

  @Post('alliances/:allianceId/charters')
  @ApiOperation({
    summary:
      'Adopt a charter version (201; 200 identical repeat; 409 a version not higher than the current one or reused with other content)',
  })
  @ApiOkResponse({ type: CharterView })
  async adopt(
    @CurrentPrincipal() p: Principal,
    @Param('allianceId', IdParamPipe) allianceId: string,
    @Body() body: AdoptCharterDto,
    @Headers('traceparent') traceparent: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CharterView> {
    const result = await this.alliances.adoptCharterOne(
      { institution: p.institution, actor: p.keyId, traceparent },
      Object.assign({}, body, { allianceId }),
    );
    return respond(result, reply, toCharterView);
  }

  @Post('alliances/charters::batch')
  @HttpCode(200)
  @ApiOperation({ summary: 'Adopt up to 5,000 charters (items carry allianceId), in order; per-item results' })
  @ApiBody({ type: [CharterBatchItemDto] })
  @ApiOkResponse({ type: BatchResultView })
  async adoptBatch(
    @CurrentPrincipal() p: Principal,
    @Body(new ParseBatchPipe(CharterBatchItemDto)) items: CharterBatchItemDto[],
    @Headers('traceparent') traceparent: string | undefined,
  ): Promise<BatchResultView> {
    const results = await this.alliances.adoptCharters({ institution: p.institution, actor: p.keyId, traceparent }, items);
    return toBatchResult(items.map((item, i) => ({ id: `${item.allianceId}/${item.version}`, result: results[i]! })));
  }

  @Get('alliances/:allianceId/charters')
  @ApiOperation({ summary: 'The charters of an alliance, a page at a time in version order' })
  @ApiOkResponse({ type: PageView(CharterView) })
  async charters(
    @CurrentPrincipal() p: Principal,
    @Param('allianceId', IdParamPipe) allianceId: string,
    @Query() q: PageQuery,
  ): Promise<Page<CharterView>> {
    return viewPage(await this.alliances.listCharters(p.institution, allianceId, pageRequest(q, ['int'])), toCharterView);
  }
}

import { Body, Controller, Get, Headers, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConflictResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, Principal, RequireAccess } from '@chanjiao/auth';
import { Page } from '@chanjiao/persistence';
import {
  BatchResultView,
  IdParamPipe,
  PageQuery,
  pageRequest,
  PageView,
  ParseBatchPipe,
  singleResult,
  toBatchResult,
} from '@chanjiao/edge';
import { ProgramBatchItemDto, ProgramView, PutProgramDto, toProgramView } from './program.dto';
import { ProgramService } from './program.service';

@ApiTags('programs')
@ApiBearerAuth()
@RequireAccess('write')
@Controller()
export class ProgramController {
  constructor(private readonly programs: ProgramService) {}

  @Put('programs/:code')
  @ApiOperation({ summary: 'Create or update a program (201 created, 200 updated or unchanged)' })
  @ApiOkResponse({ type: ProgramView })
  @ApiConflictResponse({ description: 'quota_exceeded: a new program past MAX_PROGRAMS_PER_INSTITUTION (nothing written)' })
  async put(
    @CurrentPrincipal() p: Principal,
    @Param('code', IdParamPipe) code: string,
    @Body() body: PutProgramDto,
    @Headers('traceparent') traceparent: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ProgramView> {
    const result = await this.programs.put({ institution: p.institution, actor: p.keyId, traceparent }, Object.assign({}, body, { code }));
    const { outcome, value } = singleResult(result);
    void reply.status(outcome === 'created' ? 201 : 200);
    return toProgramView(value);
  }

  @Put('programs::batch')
  @ApiOperation({ summary: 'Create or update up to 5,000 programs in one transaction; per-item results' })
  @ApiBody({ type: [ProgramBatchItemDto] })
  @ApiOkResponse({ type: BatchResultView })
  async putBatch(
    @CurrentPrincipal() p: Principal,
    @Body(new ParseBatchPipe(ProgramBatchItemDto)) items: ProgramBatchItemDto[],
    @Headers('traceparent') traceparent: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<BatchResultView> {
    const results = await this.programs.putMany({ institution: p.institution, actor: p.keyId, traceparent }, items);
    void reply.status(200);
    return toBatchResult(items.map((item, i) => ({ id: item.code, result: results[i]! })));
  }

  @Post('programs::batch')
  @ApiOperation({ summary: 'Same as PUT /programs:batch (for clients that only POST batches)' })
  @ApiBody({ type: [ProgramBatchItemDto] })
  @ApiOkResponse({ type: BatchResultView })
  postBatch(
    @CurrentPrincipal() p: Principal,
    @Body(new ParseBatchPipe(ProgramBatchItemDto)) items: ProgramBatchItemDto[],
    @Headers('traceparent') traceparent: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<BatchResultView> {
    return this.putBatch(p, items, traceparent, reply);
  }

  @Get('programs')
  @ApiOperation({ summary: "The programs of the key's institution, a page at a time in code order (see README, Paging)" })
  @ApiOkResponse({ type: PageView(ProgramView) })
  async list(@CurrentPrincipal() p: Principal, @Query() q: PageQuery): Promise<Page<ProgramView>> {
    const page = await this.programs.list(p.institution, pageRequest(q, ['text']));
    return { items: page.items.map(toProgramView), nextCursor: page.nextCursor };
  }

  @Get('programs/:code')
  @ApiOperation({ summary: 'A program by its code' })
  @ApiOkResponse({ type: ProgramView })
  async get(@CurrentPrincipal() p: Principal, @Param('code', IdParamPipe) code: string): Promise<ProgramView> {
    return toProgramView(await this.programs.get(p.institution, code));
  }
}

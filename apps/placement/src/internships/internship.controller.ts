import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, Principal, RequireAccess } from '@chanjiao/auth';
import { Page } from '@chanjiao/persistence';
import { BatchResultView, IdParamPipe, pageRequest, PageView, ParseBatchPipe, singleResult, toBatchResult, viewPage } from '@chanjiao/edge';
import {
  CompletionBatchItemDto,
  CompletionDto,
  CreateInternshipDto,
  InternshipListQuery,
  InternshipView,
  toInternshipView,
} from './internship.dto';
import { InternshipService } from './internship.service';

@ApiTags('internships')
@ApiBearerAuth()
@RequireAccess('write')
@Controller()
export class InternshipController {
  constructor(private readonly internships: InternshipService) {}

  @Post('internships')
  @ApiOperation({
    summary: 'Record an internship (201 created, 200 unchanged or corrected; 409 if the id belongs to another student)',
  })
  @ApiOkResponse({ type: InternshipView })
  async post(
    @CurrentPrincipal() p: Principal,
    @Body() body: CreateInternshipDto,
    @Headers('traceparent') traceparent: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<InternshipView> {
    const result = await this.internships.post({ institution: p.institution, actor: p.keyId, traceparent }, body);
    const { outcome, value } = singleResult(result);
    void reply.status(outcome === 'created' ? 201 : 200);
    return toInternshipView(value);
  }

  @Post('internships::batch')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record up to 5,000 internships in one transaction; per-item results' })
  @ApiBody({ type: [CreateInternshipDto] })
  @ApiOkResponse({ type: BatchResultView })
  async postBatch(
    @CurrentPrincipal() p: Principal,
    @Body(new ParseBatchPipe(CreateInternshipDto)) items: CreateInternshipDto[],
    @Headers('traceparent') traceparent: string | undefined,
  ): Promise<BatchResultView> {
    const results = await this.internships.postMany({ institution: p.institution, actor: p.keyId, traceparent }, items);
    return toBatchResult(items.map((i, n) => ({ id: i.internshipId, result: results[n]! })));
  }

  @Post('internships/completion::batch')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record up to 5,000 internship completions in one transaction; per-item results' })
  @ApiBody({ type: [CompletionBatchItemDto] })
  @ApiOkResponse({ type: BatchResultView })
  async completeBatch(
    @CurrentPrincipal() p: Principal,
    @Body(new ParseBatchPipe(CompletionBatchItemDto)) items: CompletionBatchItemDto[],
    @Headers('traceparent') traceparent: string | undefined,
  ): Promise<BatchResultView> {
    const results = await this.internships.completeMany({ institution: p.institution, actor: p.keyId, traceparent }, items);
    return toBatchResult(items.map((i, n) => ({ id: i.internshipId, result: results[n]! })));
  }

  @Post('internships/:internshipId/completion')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record the end of an internship (the same date again: no-op; another date: 409)' })
  @ApiOkResponse({ type: InternshipView })
  async complete(
    @CurrentPrincipal() p: Principal,
    @Param('internshipId', IdParamPipe) internshipId: string,
    @Body() body: CompletionDto,
    @Headers('traceparent') traceparent: string | undefined,
  ): Promise<InternshipView> {
    const result = await this.internships.complete(
      { institution: p.institution, actor: p.keyId, traceparent },
      { internshipId, endDate: body.endDate },
    );
    return toInternshipView(singleResult(result).value);
  }

  @Get('internships')
  @ApiOperation({ summary: "A student's internships, a page at a time in id order (see README, Paging)" })
  @ApiOkResponse({ type: PageView(InternshipView) })
  async list(@CurrentPrincipal() p: Principal, @Query() q: InternshipListQuery): Promise<Page<InternshipView>> {
    return viewPage(await this.internships.listByStudent(p.institution, q.studentId, pageRequest(q, ['text'])), toInternshipView);
  }

  @Get('internships/:internshipId')
  @ApiOperation({ summary: 'An internship by its id' })
  @ApiOkResponse({ type: InternshipView })
  async get(@CurrentPrincipal() p: Principal, @Param('internshipId', IdParamPipe) internshipId: string): Promise<InternshipView> {
    return toInternshipView(await this.internships.get(p.institution, internshipId));
  }
}

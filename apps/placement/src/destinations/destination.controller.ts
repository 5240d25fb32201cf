import { Body, Controller, Get, Headers, Param, Post, Put, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, Principal, RequireAccess } from '@chanjiao/auth';
import { BatchResultView, IdParamPipe, ParseBatchPipe, singleResult, toBatchResult } from '@chanjiao/edge';
import {
  DestinationBatchItemDto,
  DestinationHistoryView,
  DestinationVersionView,
  PutDestinationDto,
  toDestinationHistoryView,
  toDestinationVersionView,
} from './destination.dto';
import { destinationHistory } from './destination.domain';
import { DestinationService } from './destination.service';

@ApiTags('destinations')
@ApiBearerAuth()
@RequireAccess('write')
@Controller()
export class DestinationController {
  constructor(private readonly destinations: DestinationService) {}

  @Put('destinations/:studentId')
  @ApiOperation({
    summary:
      "Record a graduate's destination (201 first version; 200 with the next version if anything changed, earlier versions kept; 200 unchanged repeat)",
  })
  @ApiOkResponse({ type: DestinationVersionView })
  async put(
    @CurrentPrincipal() p: Principal,
    @Param('studentId', IdParamPipe) studentId: string,
    @Body() body: PutDestinationDto,
    @Headers('traceparent') traceparent: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DestinationVersionView> {
    const result = await this.destinations.put(
      { institution: p.institution, actor: p.keyId, traceparent },
      Object.assign(new DestinationBatchItemDto(), body, { studentId }),
    );
    const { outcome, value } = singleResult(result);
    void reply.status(outcome === 'created' ? 201 : 200);
    return toDestinationVersionView(value);
  }

  @Put('destinations::batch')
  @ApiOperation({ summary: 'Record up to 5,000 destinations in one transaction; per-item results' })
  @ApiBody({ type: [DestinationBatchItemDto] })
  @ApiOkResponse({ type: BatchResultView })
  async putBatch(
    @CurrentPrincipal() p: Principal,
    @Body(new ParseBatchPipe(DestinationBatchItemDto)) items: DestinationBatchItemDto[],
    @Headers('traceparent') traceparent: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<BatchResultView> {
    const results = await this.destinations.putMany({ institution: p.institution, actor: p.keyId, traceparent }, items);
    void reply.status(200);
    return toBatchResult(items.map((i, n) => ({ id: i.studentId, result: results[n]! })));
  }

  @Post('destinations::batch')
  @ApiOperation({ summary: 'Same as PUT /destinations:batch' })
  @ApiBody({ type: [DestinationBatchItemDto] })
  @ApiOkResponse({ type: BatchResultView })
  postBatch(
    @CurrentPrincipal() p: Principal,
    @Body(new ParseBatchPipe(DestinationBatchItemDto)) items: DestinationBatchItemDto[],
    @Headers('traceparent') traceparent: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<BatchResultView> {
    return this.putBatch(p, items, traceparent, reply);
  }

  @Get('destinations/:studentId')
  @ApiOperation({
    summary:
      "A graduate's destination: the most recently recorded version, every version in recording order, and the timeline of " +
      'the version in force on each day (the most recently recorded one effective on or before it), as the reports count it',
  })
  @ApiOkResponse({ type: DestinationHistoryView })
  async get(@CurrentPrincipal() p: Principal, @Param('studentId', IdParamPipe) studentId: string): Promise<DestinationHistoryView> {
    return toDestinationHistoryView(destinationHistory(await this.destinations.history(p.institution, studentId)));
  }
}

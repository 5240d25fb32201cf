import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, Principal, RequireAccess } from '@chanjiao/auth';
import { Page } from '@chanjiao/persistence';
import { BatchResultView, IdParamPipe, PageQuery, pageRequest, PageView, ParseBatchPipe, toBatchResult, viewPage } from '@chanjiao/edge';
import { respond } from '../common/respond';
import { ActivityBatchItemDto, ActivityView, RecordActivityDto, toActivityView } from '../activities/activity.dto';
import { ActivityService } from '../activities/activity.service';
import { ContributionBatchItemDto, ContributionView, RecordContributionDto, toContributionView } from './contribution.dto';
import { ContributionService } from './contribution.service';

/** Pooled resources and activities of alliances: recorded once each (identical repeat 200, other content 409). */
@ApiTags('alliance contributions and activities')
@ApiBearerAuth()
@RequireAccess('write')
@Controller()
export class ContributionController {
  constructor(
    private readonly contributions: ContributionService,
    private readonly activities: ActivityService,
  ) {}

  @Post('alliances/:allianceId/contributions')
  @ApiOperation({
    summary: 'Record a resource a member pooled (201; 200 identical repeat; 409 same id with other content or member not current)',
  })
  @ApiOkResponse({ type: ContributionView })
  async contribute(
    @CurrentPrincipal() p: Principal,
    @Param('allianceId', IdParamPipe) allianceId: string,
    @Body() body: RecordContributionDto,
    @Headers('traceparent') traceparent: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ContributionView> {
    const result = await this.contributions.recordOne(
      { institution: p.institution, actor: p.keyId, traceparent },
      Object.assign({}, body, { allianceId }),
    );
    return respond(result, reply, toContributionView);
  }

  @Post('alliances/contributions::batch')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record up to 5,000 contributions (items carry allianceId); per-item results' })
  @ApiBody({ type: [ContributionBatchItemDto] })
  @ApiOkResponse({ type: BatchResultView })
  async contributeBatch(
    @CurrentPrincipal() p: Principal,
    @Body(new ParseBatchPipe(ContributionBatchItemDto)) items: ContributionBatchItemDto[],
    @Headers('traceparent') traceparent: string | undefined,
  ): Promise<BatchResultView> {
    const results = await this.contributions.recordMany({ institution: p.institution, actor: p.keyId, traceparent }, items);
    return toBatchResult(items.map((item, i) => ({ id: `${item.allianceId}/${item.contributionId}`, result: results[i]! })));
  }

  @Get('alliances/:allianceId/contributions')
  @ApiOperation({ summary: 'The contributions of an alliance, a page at a time in contribution id order' })
  @ApiOkResponse({ type: PageView(ContributionView) })
  async listContributions(
    @CurrentPrincipal() p: Principal,
    @Param('allianceId', IdParamPipe) allianceId: string,
    @Query() q: PageQuery,
  ): Promise<Page<ContributionView>> {
    return viewPage(await this.contributions.list(p.institution, allianceId, pageRequest(q, ['text'])), toContributionView);
  }

  @Post('alliances/:allianceId/activities')
  @ApiOperation({ summary: 'Record an activity of the alliance (201; 200 identical repeat; 409 same id with other content)' })
  @ApiOkResponse({ type: ActivityView })
  async activity(
    @CurrentPrincipal() p: Principal,
    @Param('allianceId', IdParamPipe) allianceId: string,
    @Body() body: RecordActivityDto,
    @Headers('traceparent') traceparent: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ActivityView> {
    const result = await this.activities.recordOne(
      { institution: p.institution, actor: p.keyId, traceparent },
      Object.assign({}, body, { allianceId }),
    );
    return respond(result, reply, toActivityView);
  }

  @Post('alliances/activities::batch')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record up to 5,000 activities (items carry allianceId); per-item results' })
  @ApiBody({ type: [ActivityBatchItemDto] })
  @ApiOkResponse({ type: BatchResultView })
  async activityBatch(
    @CurrentPrincipal() p: Principal,
    @Body(new ParseBatchPipe(ActivityBatchItemDto)) items: ActivityBatchItemDto[],
    @Headers('traceparent') traceparent: string | undefined,
  ): Promise<BatchResultView> {
    const results = await this.activities.recordMany({ institution: p.institution, actor: p.keyId, traceparent }, items);
    return toBatchResult(items.map((item, i) => ({ id: `${item.allianceId}/${item.activityId}`, result: results[i]! })));
  }

  @Get('alliances/:allianceId/activities')
  @ApiOperation({ summary: 'The activities of an alliance, a page at a time in activity id order' })
  @ApiOkResponse({ type: PageView(ActivityView) })
  async listActivities(
    @CurrentPrincipal() p: Principal,
    @Param('allianceId', IdParamPipe) allianceId: string,
    @Query() q: PageQuery,
  ): Promise<Page<ActivityView>> {
    return viewPage(await this.activities.list(p.institution, allianceId, pageRequest(q, ['text'])), toActivityView);
  }
}

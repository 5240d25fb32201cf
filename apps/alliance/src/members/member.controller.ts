import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, Principal, RequireAccess } from '@chanjiao/auth';
import { Page } from '@chanjiao/persistence';
import { ItemResult } from '@chanjiao/write';
import {
  BatchResultView,
  IdParamPipe,
  PageQuery,
  pageRequest,
  PageView,
  ParseBatchPipe,
  singleResult,
  toBatchResult,
  viewPage,
} from '@chanjiao/edge';
import { respond } from '../common/respond';
import { MemberState } from './member.domain';
import {
  DepartureBatchItemDto,
  DepartureDto,
  JoinBatchItemDto,
  JoinDto,
  MemberView,
  RoleChangeBatchItemDto,
  RoleChangeDto,
  toMemberView,
} from './member.dto';
import { MemberChangeItem, MemberService } from './member.service';

@ApiTags('alliance members')
@ApiBearerAuth()
@RequireAccess('write')
@Controller()
export class MemberController {
  constructor(private readonly members: MemberService) {}

  @Post('alliances/:allianceId/members')
  @ApiOperation({
    summary:
      'A member joins (201), or joins again after a departure (200, new membership period); 200 identical repeat; 409 already active',
  })
  @ApiOkResponse({ type: MemberView })
  async join(
    @CurrentPrincipal() p: Principal,
    @Param('allianceId', IdParamPipe) allianceId: string,
    @Body() body: JoinDto,
    @Headers('traceparent') traceparent: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<MemberView> {
    const result = await this.members.joinOne(
      { institution: p.institution, actor: p.keyId, traceparent },
      Object.assign({}, body, { allianceId }),
    );
    return respond(result, reply, toMemberView);
  }

  @Post('alliances/members::batch')
  @HttpCode(200)
  @ApiOperation({ summary: 'Up to 5,000 joins (items carry allianceId), in order; per-item results' })
  @ApiBody({ type: [JoinBatchItemDto] })
  @ApiOkResponse({ type: BatchResultView })
  async joinBatch(
    @CurrentPrincipal() p: Principal,
    @Body(new ParseBatchPipe(JoinBatchItemDto)) items: JoinBatchItemDto[],
    @Headers('traceparent') traceparent: string | undefined,
  ): Promise<BatchResultView> {
    const results = await this.members.joinMany({ institution: p.institution, actor: p.keyId, traceparent }, items);
    return this.batch(items, results);
  }

  @Post('alliances/:allianceId/members/:memberId/departure')
  @HttpCode(200)
  @ApiOperation({ summary: 'A member leaves (200; identical repeat 200; 409 not an active member)' })
  @ApiOkResponse({ type: MemberView })
  depart(
    @CurrentPrincipal() p: Principal,
    @Param('allianceId', IdParamPipe) allianceId: string,
    @Param('memberId', IdParamPipe) memberId: string,
    @Body() body: DepartureDto,
    @Headers('traceparent') traceparent?: string,
  ): Promise<MemberView> {
    return this.change(p, traceparent, { allianceId, memberId, command: { kind: 'departure', date: body.date } });
  }

  @Post('alliances/members/departure::batch')
  @ApiOperation({ summary: "Record members' departures, up to 5,000 in one transaction; per-item results" })
  @HttpCode(200)
  @ApiBody({ type: [DepartureBatchItemDto] })
  @ApiOkResponse({ type: BatchResultView })
  async departBatch(
    @CurrentPrincipal() p: Principal,
    @Body(new ParseBatchPipe(DepartureBatchItemDto)) items: DepartureBatchItemDto[],
    @Headers('traceparent') traceparent?: string,
  ): Promise<BatchResultView> {
    const commands: MemberChangeItem[] = items.map((i) => ({
      allianceId: i.allianceId,
      memberId: i.memberId,
      command: { kind: 'departure', date: i.date },
    }));
    return this.batch(items, await this.members.changeMany({ institution: p.institution, actor: p.keyId, traceparent }, commands));
  }

  @Post('alliances/:allianceId/members/:memberId/role')
  @HttpCode(200)
  @ApiOperation({ summary: "Change an active member's role from a date on (200; same role 200 no-op; 409 not active)" })
  @ApiOkResponse({ type: MemberView })
  changeRole(
    @CurrentPrincipal() p: Principal,
    @Param('allianceId', IdParamPipe) allianceId: string,
    @Param('memberId', IdParamPipe) memberId: string,
    @Body() body: RoleChangeDto,
    @Headers('traceparent') traceparent?: string,
  ): Promise<MemberView> {
    return this.change(p, traceparent, { allianceId, memberId, command: { kind: 'role_change', role: body.role, date: body.date } });
  }

  @Post('alliances/members/role::batch')
  @ApiOperation({ summary: "Change members' roles, up to 5,000 in one transaction; per-item results" })
  @HttpCode(200)
  @ApiBody({ type: [RoleChangeBatchItemDto] })
  @ApiOkResponse({ type: BatchResultView })
  async changeRoleBatch(
    @CurrentPrincipal() p: Principal,
    @Body(new ParseBatchPipe(RoleChangeBatchItemDto)) items: RoleChangeBatchItemDto[],
    @Headers('traceparent') traceparent?: string,
  ): Promise<BatchResultView> {
    const commands: MemberChangeItem[] = items.map((i) => ({
      allianceId: i.allianceId,
      memberId: i.memberId,
      command: { kind: 'role_change', role: i.role, date: i.date },
    }));
    return this.batch(items, await this.members.changeMany({ institution: p.institution, actor: p.keyId, traceparent }, commands));
  }

  @Get('alliances/:allianceId/members')
  @ApiOperation({
    summary: 'Members of an alliance, current and former, with their membership periods; a page at a time in member id order',
  })
  @ApiOkResponse({ type: PageView(MemberView) })
  async list(
    @CurrentPrincipal() p: Principal,
    @Param('allianceId', IdParamPipe) allianceId: string,
    @Query() q: PageQuery,
  ): Promise<Page<MemberView>> {
    return viewPage(await this.members.list(p.institution, allianceId, pageRequest(q, ['text'])), toMemberView);
  }

  @Get('alliances/:allianceId/members/:memberId')
  @ApiOperation({ summary: 'A member of an alliance, with its membership periods' })
  @ApiOkResponse({ type: MemberView })
  async get(
    @CurrentPrincipal() p: Principal,
    @Param('allianceId', IdParamPipe) allianceId: string,
    @Param('memberId', IdParamPipe) memberId: string,
  ): Promise<MemberView> {
    return toMemberView(await this.members.get(p.institution, allianceId, memberId));
  }

  private async change(p: Principal, traceparent: string | undefined, item: MemberChangeItem): Promise<MemberView> {
    const result = await this.members.changeOne({ institution: p.institution, actor: p.keyId, traceparent }, item);
    return toMemberView(singleResult(result).value);
  }

  private batch(items: Array<{ allianceId: string; memberId: string }>, results: Array<ItemResult<MemberState>>): BatchResultView {
    return toBatchResult(items.map((i, n) => ({ id: `${i.allianceId}/${i.memberId}`, result: results[n]! })));
  }
}

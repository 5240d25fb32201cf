import { Body, Controller, Get, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, Principal, RequireAccess } from '@chanjiao/auth';
import { ItemResult } from '@chanjiao/write';
import { BatchResultView, IdParamPipe, ParseBatchPipe, singleResult, toBatchResult } from '@chanjiao/edge';
import {
  CancellationBatchItemDto,
  CancellationDto,
  CreateEnrollmentDto,
  EnrollmentView,
  GraduationBatchItemDto,
  GraduationDto,
  TransferBatchItemDto,
  toEnrollmentView,
  TransferDto,
  WithdrawalBatchItemDto,
  WithdrawalDto,
} from './enrollment.dto';
import { EnrollmentState, LifecycleCommand } from './enrollment.domain';
import { EnrollmentService, LifecycleItem } from './enrollment.service';

@ApiTags('enrollments')
@ApiBearerAuth()
@RequireAccess('write')
@Controller()
export class EnrollmentController {
  constructor(private readonly enrollments: EnrollmentService) {}

  @Post('enrollments')
  @ApiOperation({ summary: 'Enroll a student (201 created, 200 identical repeat, 409 same student with other details)' })
  @ApiOkResponse({ type: EnrollmentView })
  async enroll(
    @CurrentPrincipal() p: Principal,
    @Body() body: CreateEnrollmentDto,
    @Headers('traceparent') traceparent: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<EnrollmentView> {
    return this.single(await this.enrollments.enroll({ institution: p.institution, actor: p.keyId, traceparent }, body), reply);
  }

  @Post('enrollments::batch')
  @HttpCode(200)
  @ApiOperation({ summary: 'Enroll up to 5,000 students in one transaction; per-item results' })
  @ApiBody({ type: [CreateEnrollmentDto] })
  @ApiOkResponse({ type: BatchResultView })
  async enrollBatch(
    @CurrentPrincipal() p: Principal,
    @Body(new ParseBatchPipe(CreateEnrollmentDto)) items: CreateEnrollmentDto[],
    @Headers('traceparent') traceparent: string | undefined,
  ): Promise<BatchResultView> {
    const results = await this.enrollments.enrollMany({ institution: p.institution, actor: p.keyId, traceparent }, items);
    return toBatchResult(items.map((i, n) => ({ id: i.studentId, result: results[n]! })));
  }

  @Get('enrollments/:studentId')
  @ApiOperation({ summary: "A student's enrollment: program, status and transfers" })
  @ApiOkResponse({ type: EnrollmentView })
  async get(@CurrentPrincipal() p: Principal, @Param('studentId', IdParamPipe) studentId: string): Promise<EnrollmentView> {
    return toEnrollmentView(await this.enrollments.get(p.institution, studentId));
  }

  @Post('enrollments/:studentId/cancellation')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel an enrollment (no-show)' })
  @ApiOkResponse({ type: EnrollmentView })
  cancel(
    @CurrentPrincipal() p: Principal,
    @Param('studentId', IdParamPipe) id: string,
    @Body() b: CancellationDto,
    @Headers('traceparent') tp?: string,
  ) {
    return this.lifecycle(p, tp, { studentId: id, command: { kind: 'cancellation', date: b.date } });
  }

  @Post('enrollments/:studentId/withdrawal')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record a withdrawal (the reason is kept here, never published)' })
  @ApiOkResponse({ type: EnrollmentView })
  withdraw(
    @CurrentPrincipal() p: Principal,
    @Param('studentId', IdParamPipe) id: string,
    @Body() b: WithdrawalDto,
    @Headers('traceparent') tp?: string,
  ) {
    return this.lifecycle(p, tp, { studentId: id, command: { kind: 'withdrawal', date: b.date, reason: b.reason ?? null } });
  }

  @Post('enrollments/:studentId/transfer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Move a student to another program' })
  @ApiOkResponse({ type: EnrollmentView })
  transfer(
    @CurrentPrincipal() p: Principal,
    @Param('studentId', IdParamPipe) id: string,
    @Body() b: TransferDto,
    @Headers('traceparent') tp?: string,
  ) {
    return this.lifecycle(p, tp, { studentId: id, command: { kind: 'transfer', date: b.date, programCode: b.programCode } });
  }

  @Post('enrollments/:studentId/graduation')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record a graduation' })
  @ApiOkResponse({ type: EnrollmentView })
  graduate(
    @CurrentPrincipal() p: Principal,
    @Param('studentId', IdParamPipe) id: string,
    @Body() b: GraduationDto,
    @Headers('traceparent') tp?: string,
  ) {
    return this.lifecycle(p, tp, { studentId: id, command: { kind: 'graduation', date: b.date, graduationYear: b.graduationYear } });
  }

  @Post('enrollments/cancellation::batch')
  @ApiOperation({ summary: 'Cancel enrollments, up to 5,000 in one transaction; per-item results' })
  @HttpCode(200)
  @ApiBody({ type: [CancellationBatchItemDto] })
  @ApiOkResponse({ type: BatchResultView })
  cancelBatch(
    @CurrentPrincipal() p: Principal,
    @Body(new ParseBatchPipe(CancellationBatchItemDto)) items: CancellationBatchItemDto[],
    @Headers('traceparent') tp?: string,
  ) {
    return this.lifecycleBatch(
      p,
      tp,
      items.map((i) => ({ studentId: i.studentId, command: { kind: 'cancellation', date: i.date } })),
    );
  }

  @Post('enrollments/withdrawal::batch')
  @ApiOperation({ summary: 'Record withdrawals, up to 5,000 in one transaction; per-item results' })
  @HttpCode(200)
  @ApiBody({ type: [WithdrawalBatchItemDto] })
  @ApiOkResponse({ type: BatchResultView })
  withdrawBatch(
    @CurrentPrincipal() p: Principal,
    @Body(new ParseBatchPipe(WithdrawalBatchItemDto)) items: WithdrawalBatchItemDto[],
    @Headers('traceparent') tp?: string,
  ) {
    return this.lifecycleBatch(
      p,
      tp,
      items.map((i) => ({ studentId: i.studentId, command: { kind: 'withdrawal', date: i.date, reason: i.reason ?? null } })),
    );
  }

  @Post('enrollments/transfer::batch')
  @ApiOperation({ summary: 'Move students to other programs, up to 5,000 in one transaction; per-item results' })
  @HttpCode(200)
  @ApiBody({ type: [TransferBatchItemDto] })
  @ApiOkResponse({ type: BatchResultView })
  transferBatch(
    @CurrentPrincipal() p: Principal,
    @Body(new ParseBatchPipe(TransferBatchItemDto)) items: TransferBatchItemDto[],
    @Headers('traceparent') tp?: string,
  ) {
    return this.lifecycleBatch(
      p,
      tp,
      items.map((i) => ({ studentId: i.studentId, command: { kind: 'transfer', date: i.date, programCode: i.programCode } })),
    );
  }

  @Post('enrollments/graduation::batch')
  @ApiOperation({ summary: 'Record graduations, up to 5,000 in one transaction; per-item results' })
  @HttpCode(200)
  @ApiBody({ type: [GraduationBatchItemDto] })
  @ApiOkResponse({ type: BatchResultView })
  graduateBatch(
    @CurrentPrincipal() p: Principal,
    @Body(new ParseBatchPipe(GraduationBatchItemDto)) items: GraduationBatchItemDto[],
    @Headers('traceparent') tp?: string,
  ) {
    return this.lifecycleBatch(
      p,
      tp,
      items.map((i) => ({ studentId: i.studentId, command: { kind: 'graduation', date: i.date, graduationYear: i.graduationYear } })),
    );
  }

  private async lifecycle(p: Principal, traceparent: string | undefined, item: LifecycleItem): Promise<EnrollmentView> {
    return toEnrollmentView(
      singleResult(await this.enrollments.lifecycle({ institution: p.institution, actor: p.keyId, traceparent }, item)).value,
    );
  }

  private async lifecycleBatch(
    p: Principal,
    traceparent: string | undefined,
    items: Array<{ studentId: string; command: LifecycleCommand }>,
  ) {
    const results = await this.enrollments.lifecycleMany({ institution: p.institution, actor: p.keyId, traceparent }, items);
    return toBatchResult(items.map((i, n) => ({ id: i.studentId, result: results[n]! })));
  }

  private single(result: ItemResult<EnrollmentState>, reply: FastifyReply): EnrollmentView {
    const { outcome, value } = singleResult(result);
    void reply.status(outcome === 'created' ? 201 : 200);
    return toEnrollmentView(value);
  }
}

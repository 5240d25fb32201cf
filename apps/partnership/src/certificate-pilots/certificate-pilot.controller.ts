import { Body, Controller, Get, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, Principal, RequireAccess } from '@chanjiao/auth';
import { BatchResultView, IdParamPipe, ParseBatchPipe, singleResult, toBatchResult } from '@chanjiao/edge';
import {
  CertificatePilotView,
  CreateCertificatePilotDto,
  PilotResultsBatchItemDto,
  PilotResultsDto,
  toCertificatePilotView,
} from './certificate-pilot.dto';
import { CertificatePilotService } from './certificate-pilot.service';

@ApiTags('1+X certificate pilots')
@ApiBearerAuth()
@RequireAccess('write')
@Controller()
export class CertificatePilotController {
  constructor(private readonly pilots: CertificatePilotService) {}

  @Post('certificate-pilots')
  @ApiOperation({ summary: 'Launch a 1+X certificate pilot (201 created, 200 identical repeat, 409 same id with other details)' })
  @ApiOkResponse({ type: CertificatePilotView })
  async launch(
    @CurrentPrincipal() p: Principal,
    @Body() body: CreateCertificatePilotDto,
    @Headers('traceparent') traceparent: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CertificatePilotView> {
    const result = await this.pilots.launchOne({ institution: p.institution, actor: p.keyId, traceparent }, body);
    const { outcome, value } = singleResult(result);
    void reply.status(outcome === 'created' ? 201 : 200);
    return toCertificatePilotView(value);
  }

  @Post('certificate-pilots::batch')
  @ApiOperation({ summary: 'Launch certificate pilots, up to 5,000 in one transaction; per-item results' })
  @HttpCode(200)
  @ApiBody({ type: [CreateCertificatePilotDto] })
  @ApiOkResponse({ type: BatchResultView })
  async launchBatch(
    @CurrentPrincipal() p: Principal,
    @Body(new ParseBatchPipe(CreateCertificatePilotDto)) items: CreateCertificatePilotDto[],
    @Headers('traceparent') traceparent: string | undefined,
  ): Promise<BatchResultView> {
    const results = await this.pilots.launchMany({ institution: p.institution, actor: p.keyId, traceparent }, items);
    return toBatchResult(items.map((i, n) => ({ id: i.pilotId, result: results[n]! })));
  }

  @Post('certificate-pilots/:pilotId/results')
  @HttpCode(200)
  @ApiOperation({ summary: "A year's results (trained, sat, passed); the same year again with other figures replaces them" })
  @ApiOkResponse({ type: CertificatePilotView })
  async results(
    @CurrentPrincipal() p: Principal,
    @Param('pilotId', IdParamPipe) pilotId: string,
    @Body() body: PilotResultsDto,
    @Headers('traceparent') traceparent: string | undefined,
  ): Promise<CertificatePilotView> {
    const result = await this.pilots.resultsOne(
      { institution: p.institution, actor: p.keyId, traceparent },
      Object.assign({}, body, { pilotId }),
    );
    return toCertificatePilotView(singleResult(result).value);
  }

  @Post('certificate-pilots/results::batch')
  @ApiOperation({ summary: "Record certificate pilots' results, up to 5,000 in one transaction; per-item results" })
  @HttpCode(200)
  @ApiBody({ type: [PilotResultsBatchItemDto] })
  @ApiOkResponse({ type: BatchResultView })
  async resultsBatch(
    @CurrentPrincipal() p: Principal,
    @Body(new ParseBatchPipe(PilotResultsBatchItemDto)) items: PilotResultsBatchItemDto[],
    @Headers('traceparent') traceparent: string | undefined,
  ): Promise<BatchResultView> {
    const results = await this.pilots.resultsMany({ institution: p.institution, actor: p.keyId, traceparent }, items);
    return toBatchResult(items.map((i, n) => ({ id: i.pilotId, result: results[n]! })));
  }

  @Get('certificate-pilots/:pilotId')
  @ApiOperation({ summary: 'A certificate pilot by its id' })
  @ApiOkResponse({ type: CertificatePilotView })
  async get(@CurrentPrincipal() p: Principal, @Param('pilotId', IdParamPipe) id: string): Promise<CertificatePilotView> {
    return toCertificatePilotView(await this.pilots.get(p.institution, id));
  }
}

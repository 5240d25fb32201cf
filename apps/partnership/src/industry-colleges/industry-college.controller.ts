import { Body, Controller, Get, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, Principal, RequireAccess } from '@chanjiao/auth';
import { BatchResultView, IdParamPipe, ParseBatchPipe, singleResult, toBatchResult } from '@chanjiao/edge';
import { CreateIndustryCollegeDto, IndustryCollegeView, toIndustryCollegeView } from './industry-college.dto';
import { IndustryCollegeService } from './industry-college.service';

@ApiTags('industry colleges')
@ApiBearerAuth()
@RequireAccess('write')
@Controller()
export class IndustryCollegeController {
  constructor(private readonly colleges: IndustryCollegeService) {}

  @Post('industry-colleges')
  @ApiOperation({ summary: 'Record an industry college (201 created, 200 identical repeat, 409 same id with other details)' })
  @ApiOkResponse({ type: IndustryCollegeView })
  async found(
    @CurrentPrincipal() p: Principal,
    @Body() body: CreateIndustryCollegeDto,
    @Headers('traceparent') traceparent: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IndustryCollegeView> {
    const result = await this.colleges.foundOne({ institution: p.institution, actor: p.keyId, traceparent }, body);
    const { outcome, value } = singleResult(result);
    void reply.status(outcome === 'created' ? 201 : 200);
    return toIndustryCollegeView(value);
  }

  @Post('industry-colleges::batch')
  @ApiOperation({ summary: 'Found industry colleges, up to 5,000 in one transaction; per-item results' })
  @HttpCode(200)
  @ApiBody({ type: [CreateIndustryCollegeDto] })
  @ApiOkResponse({ type: BatchResultView })
  async foundBatch(
    @CurrentPrincipal() p: Principal,
    @Body(new ParseBatchPipe(CreateIndustryCollegeDto)) items: CreateIndustryCollegeDto[],
    @Headers('traceparent') traceparent: string | undefined,
  ): Promise<BatchResultView> {
    const results = await this.colleges.foundMany({ institution: p.institution, actor: p.keyId, traceparent }, items);
    return toBatchResult(items.map((i, n) => ({ id: i.collegeId, result: results[n]! })));
  }

  @Get('industry-colleges/:collegeId')
  @ApiOperation({ summary: 'An industry college by its id' })
  @ApiOkResponse({ type: IndustryCollegeView })
  async get(@CurrentPrincipal() p: Principal, @Param('collegeId', IdParamPipe) id: string): Promise<IndustryCollegeView> {
    return toIndustryCollegeView(await this.colleges.get(p.institution, id));
  }
}

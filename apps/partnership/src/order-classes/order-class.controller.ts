import { Body, Controller, Get, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, Principal, RequireAccess } from '@chanjiao/auth';
import { BatchResultView, IdParamPipe, ParseBatchPipe, singleResult, toBatchResult } from '@chanjiao/edge';
import { CreateOrderClassDto, OrderClassView, toOrderClassView } from './order-class.dto';
import { OrderClassService } from './order-class.service';

@ApiTags('order classes')
@ApiBearerAuth()
@RequireAccess('write')
@Controller()
export class OrderClassController {
  constructor(private readonly orderClasses: OrderClassService) {}

  @Post('order-classes')
  @ApiOperation({ summary: 'Open an order class (201), repeat (200) or change it, e.g. its students (200, next version)' })
  @ApiOkResponse({ type: OrderClassView })
  async create(
    @CurrentPrincipal() p: Principal,
    @Body() body: CreateOrderClassDto,
    @Headers('traceparent') traceparent: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OrderClassView> {
    const result = await this.orderClasses.createOne({ institution: p.institution, actor: p.keyId, traceparent }, body);
    const { outcome, value } = singleResult(result);
    void reply.status(outcome === 'created' ? 201 : 200);
    return toOrderClassView(value);
  }

  @Post('order-classes::batch')
  @ApiOperation({ summary: 'Open order classes, up to 5,000 in one transaction; per-item results' })
  @HttpCode(200)
  @ApiBody({ type: [CreateOrderClassDto] })
  @ApiOkResponse({ type: BatchResultView })
  async createBatch(
    @CurrentPrincipal() p: Principal,
    @Body(new ParseBatchPipe(CreateOrderClassDto)) items: CreateOrderClassDto[],
    @Headers('traceparent') traceparent: string | undefined,
  ): Promise<BatchResultView> {
    const results = await this.orderClasses.createMany({ institution: p.institution, actor: p.keyId, traceparent }, items);
    return toBatchResult(items.map((i, n) => ({ id: i.orderClassId, result: results[n]! })));
  }

  @Get('order-classes/:orderClassId')
  @ApiOperation({ summary: 'An order class by its id' })
  @ApiOkResponse({ type: OrderClassView })
  async get(@CurrentPrincipal() p: Principal, @Param('orderClassId', IdParamPipe) id: string): Promise<OrderClassView> {
    return toOrderClassView(await this.orderClasses.get(p.institution, id));
  }
}

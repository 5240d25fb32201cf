import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';

/** Whatever holds the service's broker connection (publisher, consumer). */
export const BROKER_HEALTH = Symbol('BROKER_HEALTH');
export interface BrokerHealth {
  isConnected(): boolean;
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(BROKER_HEALTH) private readonly broker: BrokerHealth,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  live() {
    return { status: 'ok' };
  }

  @Get()
  @ApiOperation({ summary: 'Readiness: database and broker reachable (503 otherwise)' })
  async ready(@Res() reply: FastifyReply) {
    const database = await this.dataSource
      .query('SELECT 1')
      .then(() => 'up' as const)
      .catch(() => 'down' as const);
    const broker = this.broker.isConnected() ? 'up' : 'down';
    const ok = database === 'up' && broker === 'up';
    void reply
      .status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
      .send({ status: ok ? 'ok' : 'degraded', checks: { database, broker } });
  }
}

import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { WorkerPauses } from '@chanjiao/persistence';

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
    private readonly pauses: WorkerPauses,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  live() {
    return { status: 'ok' };
  }

  @Get()
  @ApiOperation({
    summary:
      'Readiness: the database reachable and no background worker waiting for it (503 otherwise). The broker is a detail ' +
      '(`checks.broker`), not readiness: while RabbitMQ is away writes go on, their events held in the outbox',
  })
  async ready(@Res() reply: FastifyReply) {
    const database = await this.dataSource
      .query('SELECT 1')
      .then(() => 'up' as const)
      .catch(() => 'down' as const);
    const broker = this.broker.isConnected() ? 'up' : 'down';
    const paused = this.pauses.paused();
    const ok = database === 'up' && paused.length === 0;
    const status = !ok ? 'degraded' : broker === 'up' ? 'ok' : 'broker_down';
    const workers = Object.fromEntries(paused.map((p) => [p.worker, { status: 'paused', since: p.since.toISOString(), reason: p.reason }]));
    void reply
      .status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
      .send(Object.assign({ status, checks: { database, broker } }, paused.length ? { workers } : {}));
  }
}

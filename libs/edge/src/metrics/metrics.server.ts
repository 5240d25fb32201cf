import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiKeyStore } from '@chanjiao/auth';
import { SERVICE_ENV, type ServiceEnv } from '@chanjiao/config';
import { PROBLEM_CONTENT_TYPE } from '../error-body';
import { edgeError } from '../limits/edge.config';
import { checkKey, isMetricsToken } from '../limits/key-check';
import { Metrics } from './metrics';

/**
 * `GET /metrics` on a port of its own when METRICS_PORT is set (the API's port then answers 404 there): a
 * NetworkPolicy or a Service can open it to Prometheus alone. The same protection as on the API's port: the bearer
 * `METRICS_TOKEN` or an admin key.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server?: Server;

  constructor(
    private readonly metrics: Metrics,
    private readonly store: ApiKeyStore,
    @Inject(SERVICE_ENV) private readonly env: Pick<ServiceEnv, 'METRICS_PORT' | 'METRICS_TOKEN' | 'HOST'>,
  ) {}

  /** The port it listens on (METRICS_PORT=0 takes a free one), or undefined when /metrics is on the API's port. */
  get port(): number | undefined {
    return (this.server?.address() as AddressInfo | null)?.port;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.env.METRICS_PORT === undefined) return;
    const server = createServer((req, res) => void this.answer(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.env.METRICS_PORT, this.env.HOST, () => resolve());
    });
    this.logger.log(`GET /metrics on port ${this.port}`);
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const send = (status: number, type: string, body: string): void => {
      res.writeHead(status, { 'content-type': type }).end(body);
    };
    const refuse = (status: number, error: string, message: string) =>
      send(status, PROBLEM_CONTENT_TYPE, JSON.stringify(edgeError(status, error, message, '', req.url ?? '/metrics')));
    try {
      if (req.method !== 'GET' || req.url?.split('?', 1)[0] !== '/metrics') return refuse(404, 'not_found', '未找到 / not found');
      const request = { headers: req.headers } as FastifyRequest;
      const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
      if (!isMetricsToken(bearer, this.env.METRICS_TOKEN)) {
        const key = await checkKey(request, this.store);
        if (!key.ok) {
          this.metrics.authFailures.inc({ reason: key.error });
          return refuse(401, key.error, key.message);
        }
        if (key.principal.role !== 'admin') {
          this.metrics.authFailures.inc({ reason: 'forbidden' });
          return refuse(403, 'forbidden', '指标仅供管理员密钥或 METRICS_TOKEN 读取 / /metrics needs an admin key or the METRICS_TOKEN');
        }
      }
      send(200, this.metrics.contentType, await this.metrics.render());
    } catch (e) {
      this.logger.error(`GET /metrics failed: ${(e as Error).message}`);
      if (!res.headersSent) refuse(500, 'internal_error', '内部错误 / internal error');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

import { ReportingErrorCode } from '../reporting.errors';
import { Controller, Get, Headers, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PROBLEM_CONTENT_TYPE, toProblem } from '@chanjiao/edge';
import { DashboardAssets } from './dashboard.assets';

/**
 * The dashboard's page and its files (README "Dashboard / 看板"): public, like /docs, as they hold no data; the page
 * then reads the reports with the reader key its user signs in with. Not part of the API, so not in OpenAPI.
 */
@ApiExcludeController()
@Controller('dashboard')
export class DashboardController {
  constructor(private readonly assets: DashboardAssets) {}

  @Get()
  page(@Headers('if-none-match') etag: string | undefined, @Res() reply: FastifyReply): FastifyReply {
    return this.send('index.html', etag, reply);
  }

  @Get(':file')
  file(@Param('file') file: string, @Headers('if-none-match') etag: string | undefined, @Res() reply: FastifyReply): FastifyReply {
    return this.send(file, etag, reply);
  }

  private send(name: string, ifNoneMatch: string | undefined, reply: FastifyReply): FastifyReply {
    const asset = this.assets.get(name);
    if (!asset) {
      const built = this.assets.get('index.html') !== undefined;
      const body = built
        ? {
            statusCode: 404,
            error: 'not_found',
            message: `看板没有文件 ${name.slice(0, 60)} / the dashboard has no file ${name.slice(0, 60)}`,
          }
        : {
            statusCode: 503,
            error: ReportingErrorCode.DashboardNotBuilt,
            message: `看板尚未构建，请运行 npm run build / the dashboard is not built (${this.assets.dir}): run npm run build`,
          };
      return reply
        .code(body.statusCode)
        .type(PROBLEM_CONTENT_TYPE)
        .send(
          toProblem(Object.assign(body, { correlationId: String(reply.request.id) }), reply.request.url, {
            acceptLanguage: reply.request.headers['accept-language'],
          }),
        );
    }
    // Revalidated on every load (the bundle changes with each deployment), answered 304 when unchanged.
    void reply.header('cache-control', 'no-cache').header('etag', asset.etag);
    if (ifNoneMatch === asset.etag) return reply.code(304).send();
    return reply.type(asset.type).send(asset.body);
  }
}

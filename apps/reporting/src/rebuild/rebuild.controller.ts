import { ReportingErrorCode } from '../reporting.errors';
import { Controller, Get, HttpCode, Logger, Param, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, Principal, RequireAccess, RequireAllInstitutions } from '@chanjiao/auth';
import { DomainError } from '@chanjiao/domain';
import { RebuildAlreadyRunningError } from './projection-rebuild';
import { RebuildIdParam, RebuildRunList, RebuildRunView, toRebuildRunView } from './rebuild.dto';
import { RebuildService } from './rebuild.service';

@ApiTags('admin')
@ApiBearerAuth()
@RequireAccess('admin')
@Controller('admin/rebuild')
export class RebuildController {
  private readonly logger = new Logger('Rebuild');

  constructor(private readonly rebuilds: RebuildService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Rebuild every projection from the event log (admin key for all institutions)',
    description:
      '重建：从事件日志重放全部事件到新表，追上期间到达的事件，再原子切换；切换前报表照常读旧表，失败则旧表不变。' +
      ' Replays the stored event log into new tables beside the live ones, catches up with events that arrive meanwhile, ' +
      'then switches atomically; reports answer from the old tables until then, and a failed rebuild leaves them untouched. ' +
      'Answers 202 with the run once it has started; follow it with GET /admin/rebuild/{id}. Needed after a change of the ' +
      'projections (new or corrected figures) or of LOCAL_REGION_PREFIX. Same as `npm run reporting:rebuild`.',
  })
  @ApiAcceptedResponse({ type: RebuildRunView })
  @ApiConflictResponse({ description: 'rebuild_running: a rebuild is running already (here or in another process)' })
  @ApiForbiddenResponse({ description: 'rebuild_needs_all_institutions: the admin key is bound to some institutions only' })
  @RequireAllInstitutions({
    error: ReportingErrorCode.RebuildNeedsAllInstitutions,
    message:
      '重建会替换所有院校的数据，需要面向全部院校的管理密钥 / a rebuild replaces every institution’s figures: it needs an admin key for all institutions',
  })
  async start(@CurrentPrincipal() p: Principal): Promise<RebuildRunView> {
    try {
      const { run, done } = await this.rebuilds.start(p.keyId);
      done.catch((e: unknown) => this.logger.error(`rebuild ${run.id}: ${String(e)}`));
      return toRebuildRunView(run);
    } catch (e) {
      if (e instanceof RebuildAlreadyRunningError) throw new DomainError('conflict', ReportingErrorCode.RebuildRunning, e.message);
      throw e;
    }
  }

  @Get()
  @ApiOperation({ summary: 'The latest rebuilds, newest first, with their progress' })
  @ApiOkResponse({ type: RebuildRunList })
  async list(): Promise<RebuildRunList> {
    return { items: (await this.rebuilds.latest()).map(toRebuildRunView) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One rebuild: phase, events replayed of the total, events per second, outcome' })
  @ApiOkResponse({ type: RebuildRunView })
  @ApiNotFoundResponse({ description: 'rebuild_not_found' })
  async get(@Param() params: RebuildIdParam): Promise<RebuildRunView> {
    const run = await this.rebuilds.get(params.id);
    if (!run)
      throw new DomainError(
        'not_found',
        ReportingErrorCode.RebuildNotFound,
        `没有编号为 ${params.id} 的重建 / no rebuild ${params.id}`,
        'id',
      );
    return toRebuildRunView(run);
  }
}

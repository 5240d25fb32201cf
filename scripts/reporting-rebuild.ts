/**
 * `npm run reporting:rebuild`: rebuilds reporting's projections from its event log (README "Rebuilding the reports"), with
 * the reporting service's settings (DATABASE_URL, LOCAL_REGION_PREFIX); the service may keep running meanwhile.
 */
import 'reflect-metadata';
import { ConfigError } from '@chanjiao/config';
import { createDataSource } from '@chanjiao/persistence';
import { loadReportingEnv } from '../apps/reporting/src/config';
import { MIGRATIONS } from '../apps/reporting/src/migrations';
import { ProjectionRegistry } from '../apps/reporting/src/projection/projection.registry';
import { ProjectionUnitOfWork } from '../apps/reporting/src/projection/projection.unit-of-work';
import { RebuildAlreadyRunningError } from '../apps/reporting/src/rebuild/projection-rebuild';
import { RebuildRunRepository } from '../apps/reporting/src/rebuild/rebuild-run.repository';
import { toRebuildRunView } from '../apps/reporting/src/rebuild/rebuild.dto';
import { RebuildService } from '../apps/reporting/src/rebuild/rebuild.service';
import { REPORTING_ENTITIES } from '../apps/reporting/src/reporting.entities';
import { takesNoArguments } from './cli';

const USAGE = `usage: npm run reporting:rebuild
重建报表：从事件日志重放全部事件到新表，追上期间到达的事件，再原子切换（报表服务可照常运行）。
Rebuilds reporting's projections from its event log into new tables, catches up with events that arrive meanwhile and
switches atomically; the reporting service may keep running. Reads the reporting service's env (DATABASE_URL,
LOCAL_REGION_PREFIX, REBUILD_BATCH_SIZE [5000]). Exit 0 when rebuilt, 1 when it failed (the live tables are as they were),
3 when another rebuild is running.`;

async function main(): Promise<number> {
  takesNoArguments(USAGE);
  const env = loadReportingEnv();
  const batchSize = Number(process.env.REBUILD_BATCH_SIZE ?? 5000);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 50_000)
    throw new ConfigError(['REBUILD_BATCH_SIZE: a whole number from 1 to 50000']);
  const ds = createDataSource({
    url: env.DATABASE_URL,
    entities: REPORTING_ENTITIES,
    migrations: MIGRATIONS,
    poolSize: 2,
    applicationName: 'reporting-rebuild',
  });
  await ds.initialize();
  try {
    if (await ds.showMigrations()) {
      console.error('the reporting database has migrations pending: run `npm run migrate` (or start the service) first / 请先执行迁移');
      return 1;
    }
    const registry = new ProjectionRegistry({ localRegionPrefix: env.LOCAL_REGION_PREFIX });
    const service = new RebuildService(ds, new ProjectionUnitOfWork(ds, registry), new RebuildRunRepository(ds));
    const print = (run: ReturnType<typeof toRebuildRunView>) =>
      console.log(
        `重建 rebuild ${run.id.slice(0, 8)}: ${run.phase} ${run.eventsReplayed.toLocaleString('en')}/${run.eventsTotal.toLocaleString('en')} (${run.percent}%)` +
          `, caught up ${run.eventsCaughtUp}, ${run.eventsPerSecond.toLocaleString('en')} events/s`,
      );
    let started;
    try {
      started = await service.start('cli', { batchSize, onProgress: (run) => print(toRebuildRunView(run)) });
    } catch (e) {
      if (e instanceof RebuildAlreadyRunningError) {
        console.error((e as Error).message);
        return 3;
      }
      throw e;
    }
    const run = toRebuildRunView(await started.done);
    print(run);
    if (run.state !== 'succeeded') {
      console.error(`重建失败 rebuild failed: ${run.error}; the live tables are as they were`);
      return 1;
    }
    console.log(
      `重建完成 rebuilt: ${run.eventsReplayed} events replayed and ${run.eventsCaughtUp} caught up in ${((Date.parse(run.finishedAt!) - Date.parse(run.startedAt)) / 1000).toFixed(1)} s`,
    );
    return 0;
  } finally {
    await ds.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof ConfigError ? e.message : e);
    process.exit(1);
  },
);

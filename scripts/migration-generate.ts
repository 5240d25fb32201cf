/**
 * Generates a migration for an app from the difference between its entities and its committed
 * migrations, on a scratch database: `npm run migration:generate -- <app> <Name>`.
 */
import 'reflect-metadata';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as prettier from 'prettier';
import { createDataSource, dropDatabase, ensureDatabase, withDatabase } from '@chanjiao/persistence';
import { APPS } from './apps';
import { stackPlan } from './stack-plan';

async function main(): Promise<void> {
  const [app, name] = process.argv.slice(2);
  const spec = app && Object.hasOwn(APPS, app) ? APPS[app] : undefined; // own keys: `constructor` is no app
  if (!spec || !name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) {
    console.error(`usage: npm run migration:generate -- <${Object.keys(APPS).join('|')}> <PascalCaseName>`);
    process.exit(2);
  }
  const url = withDatabase(stackPlan().server, `migration_gen_${process.pid}`);
  await ensureDatabase(url);
  const ds = createDataSource({ url, entities: spec.entities, migrations: spec.migrations });
  try {
    await ds.initialize();
    await ds.runMigrations();
    const sql = await ds.driver.createSchemaBuilder().log();
    if (sql.upQueries.length === 0) {
      console.log('entities and migrations agree: nothing to generate');
      return;
    }
    const ts = Date.now();
    const cls = `${name}${ts}`;
    const q = (s: string) => '`' + s.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${') + '`';
    const body = [
      `import { MigrationInterface, QueryRunner } from 'typeorm';`,
      ``,
      `export class ${cls} implements MigrationInterface {`,
      `  name = '${cls}';`,
      ``,
      `  public async up(queryRunner: QueryRunner): Promise<void> {`,
      ...sql.upQueries.map((u) => `    await queryRunner.query(${q(u.query)});`),
      `  }`,
      ``,
      `  public async down(queryRunner: QueryRunner): Promise<void> {`,
      ...sql.downQueries.reverse().map((d) => `    await queryRunner.query(${q(d.query)});`),
      `  }`,
      `}`,
      ``,
    ].join('\n');
    const dir = join(__dirname, '..', '..', 'apps', app!, 'src', 'migrations');
    const file = `${ts}-${name}`;
    await writeFormatted(join(dir, `${file}.ts`), body);
    const index = join(dir, 'index.ts');
    const current = readFileSync(index, 'utf8');
    const imports = [...current.matchAll(/^import .*$/gm)].map((m) => m[0]);
    const names = [...current.matchAll(/import \{ (\w+) \}/g)].map((m) => m[1]);
    imports.push(`import { ${cls} } from './${file}';`);
    names.push(cls);
    await writeFormatted(
      index,
      `${imports.join('\n')}\n\n/** In order of application. */\nexport const MIGRATIONS = [${names.join(', ')}];\n`,
    );
    console.log(`wrote apps/${app}/src/migrations/${file}.ts (${sql.upQueries.length} statements)`);
  } finally {
    if (ds.isInitialized) await ds.destroy();
    await dropDatabase(url);
  }
}

/** Writes `text` as Prettier formats it with the project's settings, so `npm run lint` passes on what was generated. */
async function writeFormatted(path: string, text: string): Promise<void> {
  const options = (await prettier.resolveConfig(path)) ?? {};
  writeFileSync(path, await prettier.format(text, Object.assign(options, { filepath: path })));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});

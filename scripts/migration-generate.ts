/**
 * Generates a migration for an app from the difference between its entities and its committed
 * migrations, on a scratch database: `npm run migration:generate -- <app> <Name>`.
 */
import 'reflect-metadata';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDataSource, DEFAULT_PG_SERVER, dropDatabase, ensureDatabase, withDatabase } from '@chanjiao/persistence';
import { APPS } from './apps';

async function main(): Promise<void> {
  const [app, name] = process.argv.slice(2);
  const spec = app ? APPS[app] : undefined;
  if (!spec || !name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) {
    console.error(`usage: npm run migration:generate -- <${Object.keys(APPS).join('|')}> <PascalCaseName>`);
    process.exit(2);
  }
  const url = withDatabase(process.env.DATABASE_URL ?? DEFAULT_PG_SERVER, `migration_gen_${process.pid}`);
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
    writeFileSync(join(dir, `${file}.ts`), body);
    const index = join(dir, 'index.ts');
    const current = readFileSync(index, 'utf8');
    const imports = [...current.matchAll(/^import .*$/gm)].map((m) => m[0]);
    const names = [...current.matchAll(/import \{ (\w+) \}/g)].map((m) => m[1]);
    imports.push(`import { ${cls} } from './${file}';`);
    names.push(cls);
    writeFileSync(index, `${imports.join('\n')}\n\n/** In order of application. */\nexport const MIGRATIONS = [${names.join(', ')}];\n`);
    console.log(`wrote apps/${app}/src/migrations/${file}.ts (${sql.upQueries.length} statements)`);
  } finally {
    if (ds.isInitialized) await ds.destroy();
    await dropDatabase(url);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

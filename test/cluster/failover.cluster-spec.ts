import { DeadLetterQueue } from '@chanjiao/messaging';
import { expectEventually } from '@chanjiao/testing';
import { startStack, TestStack } from '@chanjiao/test-support';
import { ClusterNode, LocalRabbitCluster, startLocalRabbitCluster } from './local-rabbitmq-cluster';

/**
 * `npm run test:cluster`: the pipeline on a 3-node RabbitMQ cluster on this machine, its quorum queue
 * replicated on all three, and the node that leads the queue (and holds every connection) stopped
 * while writes flow. Every figure must still be exact: nothing lost, nothing counted twice.
 */
const log = (line: string) => process.stderr.write(`[cluster] ${line}\n`);
const ENROLLMENTS = 3000;
const INTERNSHIPS = 1500;
const BATCH = 50;
// Throttled so the node goes down mid-stream rather than after a burst has already finished.
const PAUSE_MS = 60;

describe('RabbitMQ cluster: one node stopped under load', () => {
  let cluster: LocalRabbitCluster;
  let stack: TestStack;

  beforeAll(async () => {
    cluster = await startLocalRabbitCluster(3, { log });
    stack = await startStack({ services: ['enrollment', 'placement', 'reporting'], amqpUrl: cluster.amqpUrl });
  }, 180_000);
  afterAll(async () => {
    await stack?.close();
    await cluster?.close();
  }, 120_000);

  it('keeps every figure exact when the queue leader goes down mid-stream', async () => {
    const status = await cluster.quorumStatus(stack.queue);
    expect([...status.members].sort()).toEqual(cluster.nodes.map((n) => n.name).sort());
    log(`queue ${stack.queue}: leader ${status.leader}, members ${status.members.join(', ')}`);

    const enrollment = stack.api('enrollment');
    const placement = stack.api('placement');
    expect(
      (
        await enrollment.put('/programs/P1', {
          name: 'Cluster',
          category: '46',
          level: 'higher_vocational',
          sectors: ['mining'],
          status: 'open',
        })
      ).status,
    ).toBeLessThan(300);

    const victim = cluster.nodes.find((n) => n.name === status.leader) as ClusterNode;
    let stopped: Promise<void> | undefined;
    let sent = 0;
    const total = ENROLLMENTS + INTERNSHIPS;
    const maybeStop = () => {
      // A third of the way in: publishes and deliveries are in flight on the leader.
      if (!stopped && sent >= total / 3) {
        log(`stopping ${victim.name} after ${sent} of ${total} writes`);
        stopped = cluster.stopNode(victim).then(() => {
          log(`${victim.name} stopped`);
        });
      }
    };
    const stream = async (
      client: typeof enrollment,
      path: string,
      n: number,
      item: (i: number) => Record<string, unknown>,
    ): Promise<void> => {
      for (let i = 0; i < n; i += BATCH) {
        const items = Array.from({ length: Math.min(BATCH, n - i) }, (_, k) => item(i + k));
        const res = await client.post(path, items);
        expect(res.status).toBe(200);
        expect(res.body.summary.failed).toBe(0);
        sent += items.length;
        maybeStop();
        await new Promise((r) => setTimeout(r, PAUSE_MS));
      }
    };
    await Promise.all([
      stream(enrollment, '/enrollments:batch', ENROLLMENTS, (i) => ({
        studentId: `S${i}`,
        programCode: 'P1',
        cohortYear: 2022,
        level: 'higher_vocational',
        pathway: 'regular',
      })),
      stream(placement, '/internships:batch', INTERNSHIPS, (i) => ({
        internshipId: `I${i}`,
        studentId: `S${i}`,
        kind: 'post',
        region: i % 3 ? '650102' : '652801',
        startDate: '2022-03-01',
      })),
    ]);
    await stopped;
    log(`all ${total} writes acknowledged; waiting for the reports`);

    const overview = await expectEventually(
      async () => {
        const res = await stack.reporting.get('/reports/overview?year=2022');
        expect(res.body.intake.total).toBe(ENROLLMENTS);
        expect(res.body.internships.students).toBe(INTERNSHIPS);
        return res.body;
      },
      { timeoutMs: 120_000 },
    );
    expect(overview.internships.localStudents).toBe(INTERNSHIPS / 3);
    const freshness = await stack.reporting.get('/reports/freshness');
    // One program event plus one event per write: a redelivered or re-published event counted twice would show here.
    expect(freshness.body.eventsApplied).toBe(1 + total);

    const metric = async (service: 'enrollment' | 'placement' | 'reporting', name: string) => {
      const text = await stack.scrape(service);
      return new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+)`, 'm').exec(text)?.[1] ?? 'absent';
    };
    log(
      `published: enrollment ${await metric('enrollment', 'chanjiao_outbox_published_total')}, placement ${await metric('placement', 'chanjiao_outbox_published_total')}; ` +
        `consumer: applied ${await metric('reporting', 'chanjiao_consumer_applied_total')}, duplicates dropped ${await metric('reporting', 'chanjiao_consumer_duplicates_total')}`,
    );

    const after = await cluster.quorumStatus(stack.queue);
    log(`after: leader ${after.leader}, online ${after.online.join(', ')}`);
    expect(after.leader).not.toBe(victim.name);
    expect(after.online).not.toContain(victim.name);

    const dlq = await DeadLetterQueue.open({ url: cluster.amqpUrl, queue: stack.queue });
    try {
      expect(await dlq.count()).toBe(0);
    } finally {
      await dlq.close();
    }
  }, 300_000);
});

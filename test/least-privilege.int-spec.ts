import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import amqp from 'amqplib';
import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { ApiKeyStore, KEY_CHANGED_CHANNEL } from '@chanjiao/auth';
import type { CloudEvent } from '@chanjiao/contracts';
import { appendToOutbox, connectAmqp, DeadLetterQueue, deadLetterQueueName, OutboxRelay, retryQueueName } from '@chanjiao/messaging';
import { createDataSource, ensureDatabase, runMigrations, withDatabase } from '@chanjiao/persistence';
import { deleteBrokerObjects, enrolledEvent, expectEventually, testServiceUrls, uniqueSuffix } from '@chanjiao/testing';
import { PLAIN_LOGIN_ROLE, removeStackIdentities, testStackEnv } from '@chanjiao/test-support';
import { APPS } from '../scripts/apps';
import { migrateAll } from '../scripts/migrate';
import { provisionKeysDatabase } from '../scripts/provision/databases';
import { StackPlan, stackPlan } from '../scripts/stack-plan';
import { StackCredentials } from '../scripts/stack-secrets';

/** The broker's answer to `act` on a channel of its own: 'ok', or the code it closed the channel with (403, 404…). */
async function brokerAnswer(
  url: string,
  act: (ch: amqp.ConfirmChannel) => Promise<unknown>,
): Promise<{ code: 'ok' | number; message?: string }> {
  const conn = await amqp.connect(url);
  try {
    const ch = await conn.createConfirmChannel();
    const closed = new Promise<Error & { code?: number }>((resolve) => ch.once('error', resolve));
    try {
      await act(ch);
      await ch.close();
      return { code: 'ok' };
    } catch (e) {
      // A publish fails by its confirm ("channel closed"); the close frame says why.
      const reason = await Promise.race([closed, new Promise<Error & { code?: number }>((r) => setTimeout(() => r(e as Error), 2000))]);
      return { code: reason.code ?? (e as { code?: number }).code ?? -1, message: reason.message };
    }
  } finally {
    await conn.close().catch(() => undefined);
  }
}

const publish = (exchange: string, routingKey: string) => async (ch: amqp.ConfirmChannel) => {
  ch.publish(exchange, routingKey, Buffer.from('{}'), { persistent: true });
  await ch.waitForConfirms();
};

/** A PostgreSQL error's code when `run` fails, 'ok' when it does not. */
async function pgAnswer(url: string, run?: (c: Client) => Promise<unknown>): Promise<string> {
  const client = new Client({ connectionString: url });
  try {
    await client.connect();
    if (run) await run(client);
    return 'ok';
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Least privilege below the edge, against the real PostgreSQL and RabbitMQ: `npm run migrate` (migrateAll) gives each
 * service a role and a broker user of its own (names of this run's own), and each may do what its service needs and
 * nothing more. Everything made is removed at the end.
 */
describe('each service runs as its own PostgreSQL role and RabbitMQ user', () => {
  const servers = testServiceUrls();
  const suffix = uniqueSuffix();
  const tmp = mkdtempSync(join(tmpdir(), 'least-privilege-'));
  // Made by npm run migrate itself (its mode is checked).
  const secrets = join(tmp, 'secrets');
  const env: Record<string, string> = {
    ...testStackEnv('lp', suffix, servers),
    EVENTS_EXCHANGE: `test.lp.${suffix}`,
    CONSUMER_QUEUE: `reporting.lp.${suffix}`,
    CHANJIAO_SECRETS_DIR: secrets,
  };
  const exchange = () => env.EVENTS_EXCHANGE!;
  const queue = () => env.CONSUMER_QUEUE!;
  let plan: StackPlan;
  let credentials: StackCredentials;
  const log: string[] = [];

  beforeAll(async () => {
    plan = stackPlan(env);
    // Enrollment's database as a version before roles of their own left it: made and migrated by the admin.
    await ensureDatabase(plan.apps.enrollment.databaseUrl);
    const old = createDataSource({ url: plan.apps.enrollment.databaseUrl, ...APPS.enrollment!, poolSize: 2 });
    await old.initialize();
    await runMigrations(old);
    await old.destroy();
    credentials = await migrateAll(plan, (line) => log.push(line), env);
  }, 120_000);

  afterAll(async () => {
    await deleteBrokerObjects(servers.amqpUrl, env.EVENTS_EXCHANGE!, env.CONSUMER_QUEUE!).catch(() => undefined);
    await removeStackIdentities(env);
    rmSync(tmp, { recursive: true, force: true });
  }, 120_000);

  describe('PostgreSQL', () => {
    it('each role is a plain login role: no superuser, no CREATEDB, no CREATEROLE', async () => {
      const admin = new Client({ connectionString: servers.postgresUrl });
      await admin.connect();
      try {
        const roles = [...Object.values(plan.apps).map((a) => a.role), plan.auth.owner, plan.auth.verifier, plan.bi.role];
        const { rows } = await admin.query(
          'SELECT rolname, rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls, rolcanlogin FROM pg_roles WHERE rolname = ANY($1) ORDER BY rolname',
          [roles],
        );
        expect(rows).toHaveLength(roles.length);
        for (const r of rows) expect(r).toEqual({ rolname: r.rolname, ...PLAIN_LOGIN_ROLE });
        // Each service's tables belong to its role (it migrated them, or was handed those an earlier version made).
        expect(log).toContainEqual(
          expect.stringMatching(
            new RegExp(`^postgres: ${plan.apps.enrollment.role}: \\d+ objects another role made handed to ${plan.apps.enrollment.role}$`),
          ),
        );
        const inside = new Client({ connectionString: plan.apps.enrollment.databaseUrl });
        await inside.connect();
        const owners = await inside.query(`SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'`);
        await inside.end();
        expect(owners.rows).toEqual([{ tableowner: plan.apps.enrollment.role }]);
      } finally {
        await admin.end();
      }
    });

    it("a service's role reaches its own database only: another service's, or the keys database, refuse it (42501)", async () => {
      const enrollment = credentials.apps.enrollment.databaseUrl;
      expect(await pgAnswer(enrollment, (c) => c.query('SELECT count(*) FROM outbox'))).toBe('ok');
      for (const other of ['placement', 'reporting'] as const) {
        expect({
          other,
          answer: await pgAnswer(withDatabase(enrollment, new URL(plan.apps[other].databaseUrl).pathname.slice(1))),
        }).toEqual({
          other,
          answer: '42501',
        });
      }
      expect(await pgAnswer(withDatabase(enrollment, new URL(plan.authDatabaseUrl).pathname.slice(1)))).toBe('42501');
      // Nor can the verifier reach a service's database.
      expect(await pgAnswer(withDatabase(credentials.auth.verifierUrl, new URL(plan.apps.reporting.databaseUrl).pathname.slice(1)))).toBe(
        '42501',
      );
    });

    it("BI tools' role reads reporting's bi views and nothing else, in no other database", async () => {
      const bi = credentials.bi.url;
      expect(await pgAnswer(bi, (c) => c.query('SELECT * FROM bi.annual_overview'))).toBe('ok');
      for (const table of ['counter', 'read_model', 'event_log'])
        expect({ table, answer: await pgAnswer(bi, (c) => c.query(`SELECT 1 FROM ${table} LIMIT 1`)) }).toEqual({ table, answer: '42501' });
      expect(await pgAnswer(bi, (c) => c.query(`DELETE FROM counter`))).toBe('42501');
      expect(await pgAnswer(withDatabase(bi, new URL(plan.apps.enrollment.databaseUrl).pathname.slice(1)))).toBe('42501');
      expect(await pgAnswer(withDatabase(bi, new URL(plan.authDatabaseUrl).pathname.slice(1)))).toBe('42501');
    });

    it('may neither create databases nor roles, nor give itself more', async () => {
      const enrollment = credentials.apps.enrollment.databaseUrl;
      expect(await pgAnswer(enrollment, (c) => c.query(`CREATE DATABASE t_lp_forbidden_${suffix}`))).toBe('42501');
      expect(await pgAnswer(enrollment, (c) => c.query(`CREATE ROLE t_lp_forbidden_${suffix}`))).toBe('42501');
      expect(await pgAnswer(enrollment, (c) => c.query(`ALTER ROLE ${plan.apps.enrollment.role} CREATEDB`))).toBe('42501');
      expect(await pgAnswer(enrollment, (c) => c.query(`GRANT ${plan.apps.placement.role} TO ${plan.apps.enrollment.role}`))).toBe('42501');
    });

    it('the services read keys as the verifier, which may not make, change or delete one; the owner may', async () => {
      const owner = credentials.auth.ownerUrl;
      const verifier = credentials.auth.verifierUrl;
      const insert = (c: Client) =>
        c.query(`INSERT INTO api_keys (id, secret_hash, role, services, institutions) VALUES ($1, 'h', 'admin', '{*}', '{*}')`, [
          `k${suffix}`,
        ]);
      expect(await pgAnswer(owner, insert)).toBe('ok');
      expect(await pgAnswer(verifier, (c) => c.query('SELECT id, secret_hash, role FROM api_keys'))).toBe('ok');
      expect(await pgAnswer(verifier, (c) => c.query(`UPDATE api_keys SET revoked_at = NULL, role = 'admin'`))).toBe('42501');
      expect(await pgAnswer(verifier, (c) => c.query(`UPDATE api_keys SET expires_at = NULL`))).toBe('42501');
      expect(await pgAnswer(verifier, (c) => c.query(`UPDATE api_keys SET institutions = '{*}'`))).toBe('42501');
      // The one column it may change: when a key was last used (npm run keys -- list shows it).
      expect(await pgAnswer(verifier, (c) => c.query(`UPDATE api_keys SET last_used_at = now() WHERE id = $1`, [`k${suffix}`]))).toBe('ok');
      expect(await pgAnswer(verifier, (c) => c.query('DELETE FROM api_keys'))).toBe('42501');
      expect(await pgAnswer(verifier, insert)).toBe('42501');
      expect(await pgAnswer(verifier, (c) => c.query('CREATE TABLE t (x int)'))).toBe('42501');
      expect(await pgAnswer(verifier, (c) => c.query(`LISTEN ${KEY_CHANGED_CHANNEL}`))).toBe('ok');
    });

    it('npm run keys works as the keys database owner, which it makes if missing', async () => {
      const ownerUrl = await provisionKeysDatabase(plan, env);
      expect(ownerUrl).toBe(credentials.auth.ownerUrl);
      const store = new ApiKeyStore(ownerUrl);
      try {
        const { id } = await store.create({ role: 'reader', services: ['reporting'], institution: 'LP' });
        expect((await store.list()).map((k) => k.id)).toContain(id);
      } finally {
        await store.close();
      }
    });

    it('runs again without change, keeping the passwords it made (folder 700, files 600)', async () => {
      expect(statSync(secrets).mode & 0o777).toBe(0o700);
      const files = readdirSync(secrets);
      expect(files).toHaveLength(13); // a database and a broker password per service, the keys database's two, the BI role's
      for (const file of files) expect({ file, mode: statSync(join(secrets, file)).mode & 0o777 }).toEqual({ file, mode: 0o600 });
      const again = await migrateAll(plan, () => undefined, env);
      expect(again).toEqual(credentials);
      expect(await pgAnswer(credentials.apps.reporting.databaseUrl, (c) => c.query('SELECT 1'))).toBe('ok');
      expect(log.join('\n')).not.toContain(credentials.apps.enrollment.databasePassword);
    });
  });

  describe('RabbitMQ', () => {
    it("a writer publishes its own events, and the broker refuses another service's (403 ACCESS_REFUSED)", async () => {
      const enrollment = credentials.apps.enrollment.amqpUrl;
      expect(await brokerAnswer(enrollment, publish(exchange(), 'enrollment.student.enrolled.v1'))).toEqual({ code: 'ok' });
      const refused = await brokerAnswer(enrollment, publish(exchange(), 'placement.internship.started.v1'));
      expect(refused.code).toBe(403);
      expect(refused.message).toMatch(
        /ACCESS_REFUSED - access to topic 'placement\.internship\.started\.v1' in exchange '.*' in vhost '\/' refused for user 't_lp_enrollment_/,
      );
      expect((await brokerAnswer(credentials.apps.placement.amqpUrl, publish(exchange(), 'alliance.alliance.founded.v1'))).code).toBe(403);
    });

    it("a writer reads nothing of reporting's queues, declares nothing, and cannot delete the exchange", async () => {
      const enrollment = credentials.apps.enrollment.amqpUrl;
      for (const q of [queue(), deadLetterQueueName(queue()), retryQueueName(queue(), 1)]) {
        expect({ q, get: (await brokerAnswer(enrollment, (ch) => ch.get(q))).code }).toEqual({ q, get: 403 });
        expect({ q, consume: (await brokerAnswer(enrollment, (ch) => ch.consume(q, () => undefined))).code }).toEqual({ q, consume: 403 });
        expect({ q, purge: (await brokerAnswer(enrollment, (ch) => ch.purgeQueue(q))).code }).toEqual({ q, purge: 403 });
      }
      expect((await brokerAnswer(enrollment, (ch) => ch.assertQueue(`enrollment.spy.${suffix}`))).code).toBe(403);
      expect((await brokerAnswer(enrollment, (ch) => ch.deleteExchange(exchange()))).code).toBe(403);
      expect((await brokerAnswer(enrollment, (ch) => ch.bindQueue(queue(), exchange(), 'enrollment.#'))).code).toBe(403);
      // Nor can it push into reporting's queues past the exchange.
      expect((await brokerAnswer(enrollment, publish('', queue()))).code).toBe(403);
    });

    it('reporting consumes and declares only its own queues, moves events between them, and cannot publish to the events exchange', async () => {
      const reporting = credentials.apps.reporting.amqpUrl;
      expect((await brokerAnswer(reporting, publish(exchange(), 'enrollment.student.enrolled.v1'))).code).toBe(403);
      expect(await brokerAnswer(reporting, (ch) => ch.get(queue()))).toEqual({ code: 'ok' });
      expect(await brokerAnswer(reporting, (ch) => ch.bindQueue(queue(), exchange(), '#'))).toEqual({ code: 'ok' });
      expect(
        await brokerAnswer(reporting, (ch) =>
          ch.assertQueue(deadLetterQueueName(queue()), { durable: true, arguments: { 'x-queue-type': 'quorum' } }),
        ),
      ).toEqual({
        code: 'ok',
      });
      expect(await brokerAnswer(reporting, publish('', retryQueueName(queue(), 1)))).toEqual({ code: 'ok' });
      expect((await brokerAnswer(reporting, (ch) => ch.assertQueue(`other.${suffix}`))).code).toBe(403);
      expect((await brokerAnswer(reporting, (ch) => ch.deleteExchange(exchange()))).code).toBe(403);
      expect((await brokerAnswer(reporting, (ch) => ch.assertExchange(`reporting.own.${suffix}`, 'topic'))).code).toBe(403);
    });

    it("the DLQ tool works as reporting's user: lists and replays into reporting's queue", async () => {
      const reporting = credentials.apps.reporting.amqpUrl;
      const event = enrolledEvent(`DLQ${suffix}`);
      expect(
        await brokerAnswer(reporting, async (ch) => {
          ch.publish('', deadLetterQueueName(queue()), Buffer.from(JSON.stringify(event)), {
            messageId: event.id,
            type: event.type,
            persistent: true,
          });
          await ch.waitForConfirms();
        }),
      ).toEqual({ code: 'ok' });
      const dlq = await DeadLetterQueue.open({ url: reporting, queue: queue() });
      try {
        await expectEventually(async () => expect((await dlq.list()).map((m) => m.messageId)).toContain(event.id));
        expect(await dlq.replay([event.id])).toEqual({ replayed: [event.id], skipped: [], missing: [] });
      } finally {
        await dlq.close();
      }
      const conn = await amqp.connect(reporting);
      try {
        const ch = await conn.createChannel();
        const found: string[] = [];
        await expectEventually(async () => {
          const m = await ch.get(queue(), { noAck: true });
          if (m) found.push(String(m.properties.messageId));
          expect(found).toContain(event.id);
        });
      } finally {
        await conn.close();
      }
    });
  });

  describe('the outbox relay, when the broker refuses an event', () => {
    let sql: Client;
    const event = (type: string, subject: string): CloudEvent => Object.assign({}, enrolledEvent(subject), { type }) as CloudEvent;
    const pending = async () =>
      (
        await sql.query<{ routing_key: string }>('SELECT o.routing_key FROM outbox_pending p JOIN outbox o USING (id) ORDER BY o.id')
      ).rows.map((r) => r.routing_key);

    beforeAll(async () => {
      sql = new Client({ connectionString: credentials.apps.enrollment.databaseUrl });
      await sql.connect();
    });
    afterAll(async () => sql.end());

    it('keeps it pending, says so at error level, and publishes again on a fresh channel once it is put right', async () => {
      const manager = connectAmqp(credentials.apps.enrollment.amqpUrl, `lp-relay-${suffix}`);
      const relay = new OutboxRelay({
        databaseUrl: credentials.apps.enrollment.databaseUrl,
        amqp: manager,
        exchange: exchange(),
        appId: 'enrollment',
        retryBackoffMs: 50,
      });
      const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      const warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      try {
        relay.start();
        const append = appendToOutbox([
          event('placement.internship.started.v1', 'FOREIGN'),
          event('enrollment.student.enrolled.v1', 'OWN'),
        ]);
        const answers = [];
        for (const [q, p] of append.statements) answers.push((await sql.query(q, p)).rows);
        relay.kick(append.rows(answers));

        await expectEventually(() => expect(relay.refusals).toBeGreaterThanOrEqual(2));
        // Nothing lost: both stay pending (they fail as one batch), and the refusal is named at error level.
        expect(await pending()).toEqual(['placement.internship.started.v1', 'enrollment.student.enrolled.v1']);
        expect(errors).toHaveBeenCalledWith(
          expect.stringMatching(
            /^the broker refused a publish and closed the channel \(.*403.*ACCESS_REFUSED - access to topic 'placement\.internship\.started\.v1'.*\); the events stay in the outbox and are published again: may this service's broker user publish it\?/,
          ),
        );
        expect(errors).toHaveBeenCalledTimes(1); // once in 30 s, however often it is refused
        // The refusal closes the channel only: the connection stays (an unhandled channel error used to drop it).
        expect(warnings.mock.calls.filter(([line]) => /disconnected/.test(String(line)))).toEqual([]);

        // An operator takes the foreign event out: the relay, on a channel it opened anew, publishes the rest.
        await sql.query(`DELETE FROM outbox_pending WHERE id IN (SELECT id FROM outbox WHERE routing_key LIKE 'placement.%')`);
        await expectEventually(async () => expect(await pending()).toEqual([]), { timeoutMs: 15_000 });
        expect(relay.published).toBe(1);
      } finally {
        await relay.stop();
        await manager.close();
        errors.mockRestore();
        warnings.mockRestore();
      }
    });
  });
});

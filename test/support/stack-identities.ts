import { dropDatabase } from '@chanjiao/persistence';
import { dropRoles } from '../../scripts/provision/postgres';
import { brokerAdmin } from '../../scripts/provision/rabbitmq';
import { STACK_APPS, StackPlan, stackPlan } from '../../scripts/stack-plan';

/** What `pg_roles` says of every role `npm run migrate` makes: it may log in, and has no other power. */
export const PLAIN_LOGIN_ROLE = {
  rolsuper: false,
  rolcreatedb: false,
  rolcreaterole: false,
  rolreplication: false,
  rolbypassrls: false,
  rolcanlogin: true,
} as const;

/**
 * A stack plan with names of a test's own (`t_<label>_<service>_<suffix>` databases, roles and broker users, and the
 * keys database `t_<label>_keys_<suffix>`), on the test servers, so what `npm run migrate` makes for it never meets
 * another run's, nor a developer's stack.
 */
export function testStackEnv(label: string, suffix: string, servers: { postgresUrl: string; amqpUrl: string }): Record<string, string> {
  const db = (name: string) => {
    const u = new URL(servers.postgresUrl);
    u.pathname = `/t_${label}_${name}_${suffix}`;
    return u.toString();
  };
  const env: Record<string, string> = { DATABASE_URL: servers.postgresUrl, AUTH_DATABASE_URL: db('keys'), AMQP_URL: servers.amqpUrl };
  for (const app of STACK_APPS) env[`${app.toUpperCase()}_DATABASE_URL`] = db(app);
  return env;
}

/** Removes what `npm run migrate` made for a test's plan: its databases, then their roles, then the broker users. */
export async function removeStackIdentities(env: Record<string, string>): Promise<void> {
  const plan: StackPlan = stackPlan(env);
  const databases = [...STACK_APPS.map((app) => plan.apps[app].databaseUrl), plan.authDatabaseUrl];
  for (const url of databases) await dropDatabase(url);
  await dropRoles(plan.server, [...STACK_APPS.map((app) => plan.apps[app].role), plan.auth.owner, plan.auth.verifier, plan.bi.role]);
  await brokerAdmin(plan.amqpUrl, env.RABBITMQ_MANAGEMENT_URL).deleteUsers(STACK_APPS.map((app) => plan.apps[app].role));
}

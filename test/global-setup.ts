import { assertReachable, resolveTestServices } from '../libs/testing/src/test-services';

/** Resolves the real services once per run and hands their URLs to the test workers. */
export default async function globalSetup(): Promise<void> {
  const services = await resolveTestServices();
  await assertReachable(services);
  process.env.CHANJIAO_TEST_PG_URL = services.postgresUrl;
  process.env.CHANJIAO_TEST_AMQP_URL = services.amqpUrl;
  (globalThis as { __chanjiaoServices?: typeof services }).__chanjiaoServices = services;
  console.log(
    `\ntests use ${services.source} services: PostgreSQL ${new URL(services.postgresUrl).host}, RabbitMQ ${new URL(services.amqpUrl).host}`,
  );
}

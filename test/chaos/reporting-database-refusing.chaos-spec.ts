import { TcpProxy, testServiceUrls } from '@chanjiao/testing';
import { chaosScenario } from './scenario';

const server = new URL(testServiceUrls().postgresUrl);
const proxy = new TcpProxy(server.hostname, Number(server.port || 5432));
beforeAll(() => proxy.start());
afterAll(() => proxy.stop());

/** Reporting's database refuses connections for 60 s under load (its connections cut, new ones refused). */
chaosScenario(
  "reporting's database refusing connections for 60 s",
  async ({ stack, sleep, note }) => {
    await sleep(5_000);
    await proxy.cut();
    try {
      await sleep(5_000);
      const health = await fetch(`${stack.urls('reporting')[0]}/health`).then((r) => r.json() as Promise<any>);
      note('pausedDuringOutage', health.workers?.consumer?.status === 'paused');
      await sleep(55_000);
    } finally {
      await proxy.restore();
    }
  },
  {
    databaseUrlFor: (service, url) => (service === 'reporting' ? proxy.url(url) : url),
  },
);

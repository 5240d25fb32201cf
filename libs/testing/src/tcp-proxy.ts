import { createServer, Server, Socket, connect } from 'node:net';

/**
 * A TCP proxy in front of a real service, to make it "unreachable" on demand: `cut()` drops every
 * connection and refuses new ones; `restore()` accepts again. `hold()` keeps what the service sends
 * (e.g. a broker's confirms) from reaching the clients until `release()`, while their requests go on
 * reaching it. The service itself keeps running.
 */
export class TcpProxy {
  private server?: Server;
  /** Each client connection and its connection to the service. */
  private readonly pairs = new Set<{ client: Socket; upstream: Socket }>();
  private held = false;
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(port = 0): Promise<this> {
    this.server = createServer((client) => {
      const upstream = connect(this.targetPort, this.targetHost);
      for (const s of [client, upstream]) s.on('error', () => s.destroy());
      client.pipe(upstream);
      if (!this.held) upstream.pipe(client);
      const pair = { client, upstream };
      this.pairs.add(pair);
      client.on('close', () => {
        this.pairs.delete(pair);
        upstream.destroy();
      });
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  /** `url` (a service's URL, credentials and path kept) reaching the service through this proxy. */
  url(url: string): string {
    const u = new URL(url);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString();
  }

  async cut(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.close(() => resolve());
      for (const { client, upstream } of this.pairs) {
        client.destroy();
        upstream.destroy();
      }
    });
    this.server = undefined;
  }

  async restore(): Promise<void> {
    if (this.server) return; // not cut
    await this.start(this.port);
  }

  /** From now on, what the service sends waits in the proxy. */
  hold(): void {
    if (this.held) return;
    this.held = true;
    for (const { client, upstream } of this.pairs) {
      upstream.unpipe(client);
      upstream.pause();
    }
  }

  /** Delivers what was held, and everything after. */
  release(): void {
    if (!this.held) return;
    this.held = false;
    for (const { client, upstream } of this.pairs) upstream.pipe(client);
  }

  async stop(): Promise<void> {
    if (this.server) await this.cut();
  }
}

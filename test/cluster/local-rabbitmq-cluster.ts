import { execFile } from 'node:child_process';
import { chownSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ClusterNode {
  name: string; // c1@localhost
  port: number;
  url: string;
  dir: string;
  pidFile: string;
}

export interface LocalRabbitCluster {
  nodes: ClusterNode[];
  /** Every node's URL, comma-separated: what the services get as AMQP_URL. */
  amqpUrl: string;
  /** Stops one node the way an operator would (`rabbitmqctl stop`). */
  stopNode(node: ClusterNode): Promise<void>;
  startNode(node: ClusterNode): Promise<void>;
  /** The quorum queue's leader and members, as the cluster reports them. */
  quorumStatus(queue: string, via?: ClusterNode): Promise<{ leader: string; members: string[]; online: string[] }>;
  close(): Promise<void>;
}

export interface ClusterOptions {
  /** First AMQP port; node i gets basePort + i, its distribution port basePort + 20000 + i. */
  basePort?: number;
  baseDir?: string;
  log?: (line: string) => void;
}

/**
 * Three RabbitMQ nodes on this machine beside the default one, clustered, from Debian's
 * rabbitmq-server (see shared/notes/rabbitmq-local-cluster.md for why each file is there).
 */
export async function startLocalRabbitCluster(size = 3, opts: ClusterOptions = {}): Promise<LocalRabbitCluster> {
  const basePort = opts.basePort ?? 5701;
  const baseDir = opts.baseDir ?? '/tmp/chanjiao-rabbit-cluster';
  const log = opts.log ?? (() => undefined);
  await assertTools();
  const nodes: ClusterNode[] = Array.from({ length: size }, (_, i) => {
    const port = basePort + i;
    const dir = join(baseDir, `c${i + 1}`);
    return { name: `c${i + 1}@localhost`, port, url: `amqp://guest:guest@127.0.0.1:${port}`, dir, pidFile: join(dir, 'rabbit.pid') };
  });
  // A node left over from an interrupted run would hold the ports.
  await Promise.all(nodes.map((n) => ctl(n, ['stop']).catch(() => undefined)));
  rmSync(baseDir, { recursive: true, force: true });
  for (const n of nodes) prepare(n);
  const t0 = Date.now();
  await Promise.all(nodes.map((n) => startNode(n)));
  log(`started ${size} nodes in ${Date.now() - t0} ms`);
  const [first, ...rest] = nodes;
  for (const n of rest) {
    await ctl(n, ['stop_app']);
    await ctl(n, ['join_cluster', first!.name]);
    await ctl(n, ['start_app']);
  }
  const status = await ctl(first!, ['cluster_status', '--formatter', 'json']);
  const running = (JSON.parse(status).running_nodes ?? []) as string[];
  if (running.length !== size) throw new Error(`cluster has ${running.length} running nodes, expected ${size}: ${status}`);
  log(`clustered ${running.join(', ')} in ${Date.now() - t0} ms`);

  const online = new Set(nodes.map((n) => n.name));
  return {
    nodes,
    amqpUrl: nodes.map((n) => n.url).join(','),
    async stopNode(node) {
      await ctl(node, ['stop', node.pidFile]);
      online.delete(node.name);
    },
    async startNode(node) {
      await startNode(node);
      online.add(node.name);
    },
    async quorumStatus(queue, via) {
      const node = via ?? nodes.find((n) => online.has(n.name))!;
      const out = await run('rabbitmqctl', [
        '-n',
        node.name,
        '-q',
        'list_queues',
        'name',
        'leader',
        'members',
        'online',
        '--formatter',
        'json',
      ]);
      const rows = JSON.parse(out.stdout) as Array<{ name: string; leader: string; members: string[]; online: string[] }>;
      const row = rows.find((r) => r.name === queue);
      if (!row) throw new Error(`queue ${queue} not found on ${node.name}`);
      return { leader: row.leader, members: row.members, online: row.online };
    },
    async close() {
      await Promise.all(nodes.filter((n) => online.has(n.name)).map((n) => ctl(n, ['stop', n.pidFile]).catch(() => undefined)));
      rmSync(baseDir, { recursive: true, force: true });
    },
  };
}

async function assertTools(): Promise<void> {
  try {
    await run('which', ['rabbitmq-server', 'rabbitmqctl']);
  } catch {
    throw new Error('the cluster test needs rabbitmq-server and rabbitmqctl on PATH (Debian package rabbitmq-server)');
  }
  if (userInfo().uid !== 0) {
    // The Debian wrappers switch to the rabbitmq user, which only root can do without a password.
    throw new Error('the cluster test runs the Debian rabbitmq wrappers and must run as root');
  }
}

function prepare(n: ClusterNode): void {
  mkdirSync(join(n.dir, 'mnesia'), { recursive: true });
  mkdirSync(join(n.dir, 'log'), { recursive: true });
  writeFileSync(join(n.dir, 'rabbitmq.conf'), `listeners.tcp.default = ${n.port}\nloopback_users = none\n`);
  // Without these the node reads the system's plugins and collides with the default node's ports.
  writeFileSync(join(n.dir, 'enabled_plugins'), '[].\n');
  writeFileSync(join(n.dir, 'advanced.config'), '[].\n');
  writeFileSync(join(n.dir, 'rabbitmq-env.conf'), '');
  chownRecursive(n.dir);
}

function chownRecursive(dir: string): void {
  const { uid, gid } = rabbitmqUser();
  for (const p of [
    dir,
    join(dir, 'mnesia'),
    join(dir, 'log'),
    ...['rabbitmq.conf', 'enabled_plugins', 'advanced.config', 'rabbitmq-env.conf'].map((f) => join(dir, f)),
  ])
    chownSync(p, uid, gid);
  chownSync(join(dir, '..'), uid, gid);
}

let rabbitmqIds: { uid: number; gid: number } | undefined;
function rabbitmqUser(): { uid: number; gid: number } {
  if (!rabbitmqIds) {
    const line = readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('rabbitmq:'));
    if (!line) throw new Error('no rabbitmq user on this machine');
    const [, , uid, gid] = line.split(':');
    rabbitmqIds = { uid: Number(uid), gid: Number(gid) };
  }
  return rabbitmqIds;
}

function nodeEnv(n: ClusterNode): NodeJS.ProcessEnv {
  return {
    ...process.env,
    RABBITMQ_NODENAME: n.name,
    RABBITMQ_NODE_PORT: String(n.port),
    RABBITMQ_DIST_PORT: String(n.port + 20000),
    RABBITMQ_MNESIA_BASE: join(n.dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(n.dir, 'log'),
    RABBITMQ_CONFIG_FILE: join(n.dir, 'rabbitmq.conf'),
    RABBITMQ_ADVANCED_CONFIG_FILE: join(n.dir, 'advanced.config'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(n.dir, 'enabled_plugins'),
    RABBITMQ_PID_FILE: n.pidFile,
    RABBITMQ_CONF_ENV_FILE: join(n.dir, 'rabbitmq-env.conf'),
  };
}

async function startNode(n: ClusterNode): Promise<void> {
  await run('rabbitmq-server', ['-detached'], { env: nodeEnv(n) });
  // `await_startup` right after -detached fails (the node is not registered yet); `wait` on the pid file works.
  await ctl(n, ['wait', n.pidFile, '--timeout', '60']);
}

async function ctl(n: ClusterNode, args: string[]): Promise<string> {
  const { stdout } = await run('rabbitmqctl', ['-n', n.name, ...args], { env: nodeEnv(n), timeout: 90_000 });
  return stdout;
}

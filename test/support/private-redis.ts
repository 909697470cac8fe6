import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { Redis } from 'ioredis';

import { freePort } from './app-process';

/** Whether a redis-server binary is on this machine (fault tests that stop Redis need their own). */
export function redisServerAvailable(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * A Redis server of the test's own on a loopback port, so a test can stop and restart it
 * (an outage) without touching the shared server other suites use.
 */
export class PrivateRedis {
  private process?: ChildProcess;

  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly durable: boolean,
  ) {}

  /**
   * @param options.durable an append-only file synced on every write, as a production queue needs:
   *   a kill loses nothing and a restart brings the data back. Otherwise a restart starts empty.
   */
  static async start(options: { durable?: boolean } = {}): Promise<PrivateRedis> {
    const redis = new PrivateRedis(
      await freePort(),
      await mkdtemp(join(tmpdir(), 'commerce-redis-')),
      options.durable ?? false,
    );
    await redis.resume();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts (again) on the same port; resolves once it answers PING. */
  async resume(): Promise<void> {
    this.process = spawn(
      'redis-server',
      [
        ...['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--dir', this.dir],
        ...(this.durable ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
      ],
      {
        stdio: 'ignore',
      },
    );
    await waitForPing(this.url);
  }

  /** Kills the server (an abrupt outage); resolves once the process is gone. */
  async kill(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    child.kill('SIGKILL');
    await once(child, 'exit');
  }

  /** Freezes the server (SIGSTOP): connections stay open and nothing is answered, as with a hung Redis. */
  freeze(): void {
    this.process?.kill('SIGSTOP');
  }

  /** Lets a frozen server run again (SIGCONT). */
  thaw(): void {
    this.process?.kill('SIGCONT');
  }

  async stop(): Promise<void> {
    this.thaw();
    await this.kill();
    await rm(this.dir, { recursive: true, force: true });
  }
}

async function waitForPing(url: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      await client.connect();
      if ((await client.ping()) === 'PONG') return;
    } catch {
      await sleep(50);
    } finally {
      client.disconnect();
    }
  }
  throw new Error(`redis-server at ${url} did not start`);
}

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

import type { CpuPlacement } from './machine';

/** A server under test (the application or a baseline), started by the runner and stopped by it. */
export interface Server {
  readonly name: string;
  readonly baseUrl: string;
  readonly pid: number;
  /** Milliseconds from spawning the process to its first 200 on /health/ready. */
  readonly readyMs: number;
  rssMb(): number;
  stop(): Promise<void>;
}

export interface ServerSpec {
  readonly name: string;
  /** Node arguments: flags, then the script. */
  readonly args: readonly string[];
  readonly env: Record<string, string>;
  /** Where stdout goes (the application's JSON log lines). */
  readonly logFile: string;
  readonly readyTimeoutMs?: number;
}

const running = new Set<ChildProcess>();
const READY_POLL_MS = 20;

export async function startServer(spec: ServerSpec, placement: CpuPlacement): Promise<Server> {
  const port = await freePort();
  const [command, args] = placement.serverCommand(spec.args);
  const log = openSync(spec.logFile, 'a');
  const started = performance.now();
  const child = spawn(command, args, {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...spec.env,
      HOST: '127.0.0.1',
      PORT: String(port),
    },
    stdio: ['ignore', log, 'pipe'],
  });
  closeSync(log);
  running.add(child);
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-4000)));
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(baseUrl, child, spec.readyTimeoutMs ?? 30_000);
  } catch (error) {
    await stopChild(child);
    throw new Error(`${spec.name}: ${(error as Error).message}\n${errors}`, { cause: error });
  }
  const readyMs = performance.now() - started;
  return {
    name: spec.name,
    baseUrl,
    pid: child.pid ?? -1,
    readyMs,
    rssMb: () => residentMb(child.pid ?? -1),
    stop: () => stopChild(child),
  };
}

/** Stops whatever is still running (also on failure). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((child) => stopChild(child)));
}

export function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
}

async function waitUntilReady(baseUrl: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode} before it was ready`);
    const ready = await fetch(`${baseUrl}/health/ready`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ready) return;
    await sleep(READY_POLL_MS);
  }
  throw new Error(`not ready within ${timeoutMs} ms`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  running.delete(child);
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Resident set size of a process, from /proc (0 where there is no /proc). */
export function residentMb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Samples a server's RSS while `work` runs; resolves with the work's result and the peak seen. */
export async function withPeakRss<T>(server: Server, work: () => Promise<T>): Promise<[T, number]> {
  let peak = server.rssMb();
  const timer = setInterval(() => (peak = Math.max(peak, server.rssMb())), 100);
  try {
    return [await work(), Math.max(peak, server.rssMb())];
  } finally {
    clearInterval(timer);
  }
}

export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

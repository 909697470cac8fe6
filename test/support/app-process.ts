import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

const MAIN = resolve(__dirname, '../../dist/main.js');
/** The migrate-only entry the Kubernetes migration Job runs (`npm run migrate`). */
const MIGRATE = resolve(__dirname, '../../dist/platform/database/migrate.js');

export interface AppProcess {
  readonly port: number;
  readonly baseUrl: string;
  readonly child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (or signal name) once the process has ended. */
  readonly exited: Promise<number | string>;
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/** A free loopback port (the OS picks it; it is released just before the app binds it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * Runs the compiled app (`dist/main.js`, built by `npm test`) as a separate process with exactly
 * the given environment (plus PATH/HOME), the way a container or `npm start` would. `cwd` is the
 * working directory (this process's by default); `main` points at another build (e.g. of a
 * generated copy of the project).
 */
export async function spawnApp(
  env: Record<string, string>,
  options: { cwd?: string; main?: string } = {},
): Promise<AppProcess> {
  const port = Number(env.PORT ?? (await freePort()));
  const child = spawn(process.execPath, [options.main ?? MAIN], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: options.cwd,
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string);
  return {
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    child,
    output: () => output,
    exited,
    stop: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Polls /health/ready until it answers 200; returns how long that took. */
export async function waitUntilReady(app: AppProcess, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (app.child.exitCode !== null) throw new Error(`app exited early:\n${app.output()}`);
    const ready = await fetch(`${app.baseUrl}/health/ready`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ready) return Date.now() - started;
    await new Promise((resolveDelay) => setTimeout(resolveDelay, 100));
  }
  throw new Error(`not ready within ${timeoutMs} ms:\n${app.output()}`);
}

/** Runs the compiled migrate-only entry to its end with exactly `env` (plus PATH/HOME). */
export async function runMigrate(env: Record<string, string>): Promise<{ code: number | string; output: string }> {
  const child = spawn(process.execPath, [MIGRATE], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
  return { code: code ?? signal ?? 'unknown', output };
}

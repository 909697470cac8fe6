import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';

/**
 * Keeps the servers and the load generator off each other's core: this process (autocannon) is
 * moved to the last CPU and every server is started on CPU 0, where `taskset` exists and the
 * machine has two CPUs or more. Postgres and Redis are left to the scheduler.
 */
export interface CpuPlacement {
  readonly pinned: boolean;
  readonly description: string;
  /** The command and leading arguments that start a server process. */
  serverCommand(args: readonly string[]): [string, string[]];
}

export function placeProcesses(): CpuPlacement {
  const count = cpus().length;
  const unpinned = (reason: string): CpuPlacement => ({
    pinned: false,
    description: `not pinned (${reason})`,
    serverCommand: (args) => [process.execPath, [...args]],
  });
  if (count < 2) return unpinned('one CPU');
  if (!hasTaskset()) return unpinned('taskset not found');
  const loadCpu = count - 1;
  execFileSync('taskset', ['-a', '-cp', String(loadCpu), String(process.pid)], { stdio: 'ignore' });
  return {
    pinned: true,
    description: `servers on CPU 0, load generator on CPU ${loadCpu} (taskset); Postgres and Redis unpinned`,
    serverCommand: (args) => ['taskset', ['-c', '0', process.execPath, ...args]],
  };
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function loadAverage(): number[] {
  return loadavg().map((load) => Number(load.toFixed(2)));
}

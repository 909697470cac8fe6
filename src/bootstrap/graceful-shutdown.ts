import { setTimeout as sleep } from 'node:timers/promises';

import type { INestApplication } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';

import type { AllConfig } from '../config';
import { ShutdownCoordinator } from '../platform/health/shutdown-coordinator';

const SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/**
 * Stops the process in order on SIGTERM or SIGINT (docs/decisions/0022):
 *
 * 1. readiness answers 503 and background consumers stop taking new work;
 * 2. for SHUTDOWN_DRAIN_MS the server keeps answering, so load balancers notice and stop routing;
 * 3. consumers finish the work they hold (databases still open);
 * 4. `app.close()`: the HTTP server stops accepting, waits for requests in flight, then Nest's
 *    shutdown hooks close workers, pools and connections.
 *
 * The process then ends because nothing is left open (exit code 0). If that takes longer than
 * SHUTDOWN_TIMEOUT_MS, or a step throws, it is logged and the process exits with 1.
 *
 * Used instead of Nest's `enableShutdownHooks()`, which runs `onModuleDestroy` hooks before any
 * drain and ends the process by re-raising the signal (so it never exits with 0).
 */
export function shutDownGracefullyOnSignals(app: INestApplication): void {
  const config = app.get(ConfigService<AllConfig, true>).getOrThrow('app', { infer: true });
  const coordinator = app.get(ShutdownCoordinator);
  const logger = new Logger('Shutdown');
  let started = false;

  const shutDown = async (signal: NodeJS.Signals): Promise<void> => {
    if (started) return;
    started = true;
    const startedAt = Date.now();
    setTimeout(() => {
      logger.error({ signal, timeoutMs: config.shutdownTimeoutMs }, 'Graceful shutdown timed out; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();

    logger.log({ signal, drainMs: config.shutdownDrainMs }, 'Shutting down: not ready any more, draining');
    const intakeStopped = coordinator.beginShutdown();
    await sleep(config.shutdownDrainMs);
    await intakeStopped;
    await app.close();
    for (const name of SIGNALS) process.removeListener(name, onSignal);
    logger.log({ signal, tookMs: Date.now() - startedAt }, 'Shutdown complete');
  };

  const onSignal = (signal: NodeJS.Signals): void => {
    shutDown(signal).catch((error: unknown) => {
      logger.error({ signal, err: (error as Error).stack }, 'Graceful shutdown failed; exiting');
      process.exit(1);
    });
  };
  for (const name of SIGNALS) process.on(name, onSignal);
}

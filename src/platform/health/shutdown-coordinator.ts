import { Injectable, Logger } from '@nestjs/common';

/** Stops one source of background work from taking more; resolves once the work it already took is done. */
export type IntakeStopper = () => Promise<void>;

/**
 * The first phase of a graceful stop, before Nest's own shutdown hooks run: readiness turns 503
 * at once (so load balancers stop routing here while requests are still served), and background
 * consumers (queue workers, outbox pollers) stop taking new work and finish what they hold,
 * while the database and Redis are still open. See docs/decisions/0022.
 */
@Injectable()
export class ShutdownCoordinator {
  private readonly logger = new Logger(ShutdownCoordinator.name);
  private readonly stoppers = new Map<string, IntakeStopper>();
  private intakeStopped?: Promise<void>;

  get isShuttingDown(): boolean {
    return this.intakeStopped !== undefined;
  }

  /** Registers a consumer to stop when shutdown begins (one per name; the last registration wins). */
  registerIntake(name: string, stop: IntakeStopper): void {
    this.stoppers.set(name, stop);
  }

  /**
   * Marks the process as shutting down and stops every registered intake. Idempotent: later calls
   * return the same promise, which resolves when every consumer has finished its current work (a
   * consumer that fails to stop cleanly is logged, not rethrown, so the rest of the shutdown runs).
   */
  beginShutdown(): Promise<void> {
    this.intakeStopped ??= Promise.all(
      [...this.stoppers].map(async ([name, stop]) => {
        try {
          await stop();
        } catch (error) {
          this.logger.error({ consumer: name, err: (error as Error).message }, 'Consumer did not stop cleanly');
        }
      }),
    ).then(() => undefined);
    return this.intakeStopped;
  }
}

import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';

import { IdempotencyStore } from './idempotency.store';

const RETENTION_HOURS = 24;
const SWEEP_INTERVAL_MS = 3600 * 1000;

/** Forgets Idempotency-Keys older than a day, hourly (any replica may run it; it is idempotent). */
@Injectable()
export class IdempotencyKeysCleanup implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(IdempotencyKeysCleanup.name);
  private timer?: NodeJS.Timeout;

  constructor(private readonly store: IdempotencyStore) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async sweep(): Promise<number> {
    try {
      const forgotten = await this.store.forgetOlderThan(RETENTION_HOURS);
      if (forgotten > 0) this.logger.log({ forgotten }, 'Old idempotency keys removed');
      return forgotten;
    } catch (error) {
      this.logger.warn({ err: (error as Error).message }, 'Idempotency key cleanup failed; will retry');
      return 0;
    }
  }
}

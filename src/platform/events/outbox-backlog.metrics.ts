import { Injectable, Logger } from '@nestjs/common';
import type { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';

import { MetricsRegistry } from '../metrics/metrics-registry';

/** A scrape must stay fast while Postgres is away: the backlog keeps its last value instead. */
const BACKLOG_QUERY_BUDGET_MS = 1000;

interface Backlog {
  readonly pending: number;
  readonly oldestAgeSeconds: number;
}

/**
 * The outbox backlog, read from Postgres at scrape time: how many events wait for dispatch and
 * how old the oldest is. A growing age means the dispatcher or the queue is stuck, which no
 * counter of the dispatcher itself can show (a dead dispatcher counts nothing). The query uses
 * the partial index on pending rows, so it stays cheap however large the table grows.
 */
@Injectable()
export class OutboxBacklogMetrics {
  private readonly logger = new Logger(OutboxBacklogMetrics.name);
  private readonly pending: Gauge;
  private readonly oldestAge: Gauge;
  private lastFailure: string | undefined;
  private inFlight: Promise<void> | undefined;

  constructor(
    registry: MetricsRegistry,
    private readonly dataSource: DataSource,
  ) {
    // The registry collects every metric of a scrape at once: both gauges await one shared query.
    const collect = () => this.refresh();
    this.pending = registry.gauge({
      name: 'outbox_pending_events',
      help: 'Outbox events committed but not yet dispatched',
      collect,
    });
    this.oldestAge = registry.gauge({
      name: 'outbox_oldest_pending_age_seconds',
      help: 'Age of the oldest outbox event not yet dispatched (0 when none)',
      collect,
    });
  }

  private refresh(): Promise<void> {
    this.inFlight ??= this.collect().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async collect(): Promise<void> {
    try {
      const backlog = await withinBudget(this.readBacklog(), BACKLOG_QUERY_BUDGET_MS);
      this.pending.set(backlog.pending);
      this.oldestAge.set(backlog.oldestAgeSeconds);
      this.lastFailure = undefined;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (message !== this.lastFailure) this.logger.warn({ err: message }, 'Could not read the outbox backlog');
      this.lastFailure = message;
    }
  }

  private async readBacklog(): Promise<Backlog> {
    const rows: Array<{ pending: number; age: number | null }> = await this.dataSource.query(
      `SELECT count(*)::int AS pending, EXTRACT(EPOCH FROM now() - min(occurred_at))::float8 AS age
         FROM outbox_events WHERE dispatched_at IS NULL`,
    );
    return { pending: rows[0]?.pending ?? 0, oldestAgeSeconds: Math.max(0, rows[0]?.age ?? 0) };
  }
}

function withinBudget<T>(work: Promise<T>, budgetMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${budgetMs} ms`)), budgetMs);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

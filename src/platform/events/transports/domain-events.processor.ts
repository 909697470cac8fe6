import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DelayedError, type Job } from 'bullmq';

import type { AllConfig } from '../../../config';
import { ShutdownCoordinator } from '../../health/shutdown-coordinator';
import { isDatabaseOutage, OUTAGE_RETRY_DELAY_MS } from '../dependency-outage';
import { EventHandlerRegistry } from '../event-handler.registry';
import { EventsMetrics } from '../events.metrics';
import { HandlerRunner } from '../handler-runner';
import { type DeliveryJob, DOMAIN_EVENTS_QUEUE } from './bullmq.transport';
import { QueueConnectionErrors } from './queue-connection-errors';

/** The BullMQ configuration the worker uses (its own connection, which may wait for Redis). */
export const WORKER_CONNECTION = 'events-worker';

/**
 * A job whose completion could not be recorded (Redis went away mid-job) stays "active" until its
 * lock expires and the stalled-job check puts it back: with BullMQ's defaults (30 s and 30 s)
 * that is up to a minute after Redis returns. Shorter values resume it within about 15 s; the
 * lock is renewed every lockDuration / 2 while a handler runs, so long handlers keep theirs, and
 * handlers are idempotent, so a re-run is safe.
 */
const WORKER_LOCK_DURATION_MS = 10_000;
const WORKER_STALLED_INTERVAL_MS = 5_000;

/**
 * The worker side of the queue (APP_ROLE worker or all): runs the handler named by each job.
 * A throw makes BullMQ retry the job with backoff; after the last attempt it is dead-lettered.
 */
@Processor(
  { name: DOMAIN_EVENTS_QUEUE, configKey: WORKER_CONNECTION },
  { lockDuration: WORKER_LOCK_DURATION_MS, stalledInterval: WORKER_STALLED_INTERVAL_MS },
)
export class DomainEventsProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(DomainEventsProcessor.name);
  private readonly connectionErrors: QueueConnectionErrors;

  constructor(
    private readonly registry: EventHandlerRegistry,
    private readonly runner: HandlerRunner,
    private readonly config: ConfigService<AllConfig, true>,
    private readonly metrics: EventsMetrics,
    private readonly shutdown: ShutdownCoordinator,
  ) {
    super();
    this.connectionErrors = new QueueConnectionErrors('worker', metrics, this.logger);
  }

  /**
   * The worker exists once the module graph is initialised. When shutdown begins it takes no
   * further job (another replica will) and finishes those it holds while the database is still
   * open; Nest's own close of the worker, later, then has nothing left to wait for.
   */
  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.getOrThrow('events', { infer: true }).workerConcurrency;
    this.shutdown.registerIntake('event-worker', async () => {
      this.logger.log('Event worker: taking no new jobs, finishing the current ones');
      await this.worker.close();
    });
  }

  async process(job: Job<DeliveryJob>, token?: string): Promise<string> {
    const handler = this.registry.get(job.data.handlerId);
    if (!handler) throw new Error(`No handler ${job.data.handlerId} in this version of the application`);
    try {
      // Only a job's first run, neither retried, nor put back after a stall, nor deferred, is a first delivery.
      const first = job.data.firstDelivery === true && job.attemptsMade === 0 && job.stalledCounter === 0;
      return await this.runner.deliver(job.data.event, handler, job.attemptsMade + 1, first);
    } catch (error) {
      if (!token || !isDatabaseOutage(error)) throw error;
      // The database is away, not the event at fault: wait for it without using up an attempt,
      // so an outage longer than the retry budget does not dead-letter (and strand) the saga.
      this.metrics.outageDeferrals.inc({ event: job.data.event.name, handler: handler.id });
      if (job.data.firstDelivery) await job.updateData({ ...job.data, firstDelivery: false });
      await job.moveToDelayed(Date.now() + OUTAGE_RETRY_DELAY_MS * (1 + Math.random() * 0.5), token);
      throw new DelayedError();
    }
  }

  /** Counted, and logged once per kind of error (see QueueConnectionErrors). */
  @OnWorkerEvent('error')
  onError(error: Error): void {
    this.connectionErrors.report(error);
  }

  /** A successful job means the connection is back: log the next outage again. */
  @OnWorkerEvent('completed')
  onCompleted(): void {
    this.connectionErrors.recovered();
  }

  @OnWorkerEvent('failed')
  async onFailed(job: Job<DeliveryJob> | undefined, error: Error): Promise<void> {
    if (!job || job.attemptsMade < (job.opts.attempts ?? 1)) return;
    const handler = this.registry.get(job.data.handlerId);
    if (!handler) {
      this.logger.error({ jobId: job.id, err: error.message }, 'Job failed for an unknown handler');
      return;
    }
    try {
      await this.runner.deadLetter(job.data.event, handler, error, job.attemptsMade);
    } catch (writeError) {
      // A listener's rejection would end the process. The job stays in the failed set (kept for
      // days, see BullMqTransport), where it can be inspected and retried.
      this.metrics.deadLetterWriteFailures.inc({ event: job.data.event.name, handler: handler.id });
      this.logger.error(
        { jobId: job.id, handler: handler.id, err: (writeError as Error).message },
        'Could not write the dead letter; the job stays in the failed queue',
      );
    }
  }
}

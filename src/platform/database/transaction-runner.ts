import { setTimeout as sleep } from 'node:timers/promises';

import { Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClsService } from 'nestjs-cls';
import { QueryFailedError } from 'typeorm';
import type { IsolationLevel } from 'typeorm/driver/types/IsolationLevel';

import { backoffWithJitterMs } from '../../common/util/backoff';

export type AfterCommitHook = () => Promise<void>;

export interface TransactionOptions {
  readonly isolationLevel?: IsolationLevel;
  /** Extra attempts after a serialization failure or deadlock (default 3). */
  readonly retries?: number;
}

const AFTER_COMMIT_HOOKS = Symbol('afterCommitHooks');
const BEFORE_COMMIT_BATCHES = Symbol('beforeCommitBatches');

/** Items collected during one transaction, written together just before it commits. */
interface Batch {
  readonly items: unknown[];
  flush(items: unknown[]): Promise<void>;
}
const DEFAULT_RETRIES = 3;
/** First retry after about 25 ms, then 50, 100 …: conflicting transactions spread out quickly. */
const RETRY_BASE_MS = 25;
/** serialization_failure, deadlock_detected: the transaction may simply be run again. */
const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);

/**
 * The one way services start a transaction (the unit of work). Repositories join it through
 * `TransactionHost.tx` (see docs/decisions/0003). On top of the library it adds:
 *
 * - joining: inside a running transaction, `run` just calls `work` (one commit at the outside);
 * - retries: a serialization failure or deadlock reruns the whole unit with backoff;
 * - after-commit hooks: work that must see committed data (cache invalidation, dispatching
 *   events) is registered with `afterCommit` and runs once the outermost transaction commits,
 *   before `run` returns; nothing runs if it rolls back;
 * - before-commit batches: rows a transaction writes piecemeal (outbox events) are collected with
 *   `batchBeforeCommit` and written in one statement at the end of its work, inside it.
 */
@Injectable()
export class TransactionRunner {
  private readonly logger = new Logger(TransactionRunner.name);

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly cls: ClsService,
  ) {}

  async run<T>(work: () => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    if (this.txHost.isTransactionActive()) return work();
    const attempts = (options.retries ?? DEFAULT_RETRIES) + 1;
    for (let attempt = 1; ; attempt += 1) {
      const hooks: AfterCommitHook[] = [];
      try {
        const result = await this.inTransaction(work, hooks, options.isolationLevel);
        await this.runHooks(hooks);
        return result;
      } catch (error) {
        if (attempt >= attempts || !isRetryable(error)) throw error;
        this.logger.warn({ attempt, sqlState: sqlStateOf(error) }, 'Transaction conflict; retrying');
        await sleep(backoffWithJitterMs(RETRY_BASE_MS, attempt));
      }
    }
  }

  /** Runs `hook` after the current transaction commits, or now when there is none. */
  async afterCommit(hook: AfterCommitHook): Promise<void> {
    const hooks = this.txHost.isTransactionActive()
      ? this.cls.get<AfterCommitHook[] | undefined>(AFTER_COMMIT_HOOKS)
      : undefined;
    if (hooks) hooks.push(hook);
    else await this.runHooks([hook]);
  }

  /**
   * Adds `item` to the current transaction's batch named `key`; when the transaction's work is
   * done, `flush` gets the whole batch once, still inside the transaction (a failure rolls it
   * back). Outside a transaction started by `run`, `flush` gets `[item]` now.
   */
  async batchBeforeCommit<T>(key: symbol, item: T, flush: (items: T[]) => Promise<void>): Promise<void> {
    const batches = this.txHost.isTransactionActive()
      ? this.cls.get<Map<symbol, Batch> | undefined>(BEFORE_COMMIT_BATCHES)
      : undefined;
    if (!batches) return flush([item]);
    const batch = batches.get(key);
    if (batch) batch.items.push(item);
    else batches.set(key, { items: [item], flush });
  }

  private inTransaction<T>(
    work: () => Promise<T>,
    hooks: AfterCommitHook[],
    isolationLevel?: IsolationLevel,
  ): Promise<T> {
    const body = async () => {
      const batches = new Map<symbol, Batch>();
      this.cls.set(AFTER_COMMIT_HOOKS, hooks);
      this.cls.set(BEFORE_COMMIT_BATCHES, batches);
      const result = await work();
      for (const batch of batches.values()) await batch.flush(batch.items);
      // The request this work belongs to timed out and was answered 503: roll back, never commit behind its back.
      this.cls.get<AbortSignal | undefined>('signal')?.throwIfAborted();
      return result;
    };
    return isolationLevel ? this.txHost.withTransaction({ isolationLevel }, body) : this.txHost.withTransaction(body);
  }

  /** The commit has happened: a failing hook is logged, and the others still run. */
  private async runHooks(hooks: AfterCommitHook[]): Promise<void> {
    for (const hook of hooks) {
      try {
        await hook();
      } catch (error) {
        this.logger.error({ err: error }, 'After-commit hook failed');
      }
    }
  }
}

function isRetryable(error: unknown): boolean {
  const state = sqlStateOf(error);
  return state !== undefined && RETRYABLE_SQLSTATES.has(state);
}

function sqlStateOf(error: unknown): string | undefined {
  if (!(error instanceof QueryFailedError)) return undefined;
  return (error.driverError as { code?: string }).code;
}

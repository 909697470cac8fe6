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

/**
 * A write a unit of work defers to its end: one INSERT (a query builder's `getQueryAndParameters()`),
 * its values in `$n` placeholders only, so that several can be combined into one statement.
 */
export interface DeferredStatement {
  readonly sql: string;
  readonly parameters: readonly unknown[];
}

/** Items gathered during one unit of work under one key, written by one statement at its end. */
interface Batch {
  readonly items: unknown[];
  build(items: unknown[]): DeferredStatement | Promise<DeferredStatement>;
}

/** What a unit of work (a transaction, or a gathering without one) collects while it runs. */
interface Unit {
  readonly batches: Map<symbol, Batch>;
  readonly hooks: AfterCommitHook[];
}

/** The running unit, in the CLS context its transaction (or gathering) opened: it never outlives it. */
const UNIT = Symbol('unitOfWork');
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
 * - before-commit batches: rows a unit writes piecemeal (outbox events, audit entries, delivery
 *   records) are collected with `batchBeforeCommit` and written at the end of its work, inside it,
 *   all of them in ONE statement (data-modifying CTEs), however many tables they go to;
 * - gathering: `gather` is such a unit without a transaction, for work that must not hold one
 *   (a call to a payment provider): its rows still go in one statement, atomic by itself.
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
      const unit: Unit = { batches: new Map(), hooks: [] };
      try {
        const result = await this.inTransaction(work, unit, options.isolationLevel);
        await this.runHooks(unit.hooks);
        return result;
      } catch (error) {
        if (attempt >= attempts || !isRetryable(error)) throw error;
        this.logger.warn({ attempt, sqlState: sqlStateOf(error) }, 'Transaction conflict; retrying');
        await sleep(backoffWithJitterMs(RETRY_BASE_MS, attempt));
      }
    }
  }

  /**
   * Runs `work` without a transaction, as one unit of its deferred writes: what it gathers with
   * `batchBeforeCommit` is written when it is done, in one statement (all of it or none), then its
   * after-commit hooks run. Nothing is written if it throws. Inside a unit it joins that unit.
   */
  async gather<T>(work: () => Promise<T>): Promise<T> {
    if (this.currentUnit()) return work();
    const unit: Unit = { batches: new Map(), hooks: [] };
    const result = await this.cls.run({ ifNested: 'inherit' }, async () => {
      this.cls.set(UNIT, unit);
      const value = await work();
      await this.writeBatches(unit);
      return value;
    });
    await this.runHooks(unit.hooks);
    return result;
  }

  /** Runs `hook` after the current unit commits, or now when there is none. */
  async afterCommit(hook: AfterCommitHook): Promise<void> {
    const unit = this.currentUnit();
    if (unit) unit.hooks.push(hook);
    else await this.runHooks([hook]);
  }

  /**
   * Adds `item` to the current unit's batch named `key`; when the unit's work is done, `build`
   * gets the whole batch once, still inside it, and returns the INSERT for it, which is written
   * together with the unit's other batches (a failure rolls all of it back). Outside a unit,
   * `item` is written now, on its own.
   */
  async batchBeforeCommit<T>(
    key: symbol,
    item: T,
    build: (items: T[]) => DeferredStatement | Promise<DeferredStatement>,
  ): Promise<void> {
    const unit = this.currentUnit();
    if (!unit) return this.gather(() => this.batchBeforeCommit(key, item, build));
    const batch = unit.batches.get(key);
    if (batch) batch.items.push(item);
    else unit.batches.set(key, { items: [item], build: build });
  }

  private currentUnit(): Unit | undefined {
    return this.cls.isActive() ? this.cls.get<Unit | undefined>(UNIT) : undefined;
  }

  private inTransaction<T>(work: () => Promise<T>, unit: Unit, isolationLevel?: IsolationLevel): Promise<T> {
    const body = async () => {
      this.cls.set(UNIT, unit);
      const result = await work();
      await this.writeBatches(unit);
      // The request this work belongs to timed out and was answered 503: roll back, never commit behind its back.
      this.cls.get<AbortSignal | undefined>('signal')?.throwIfAborted();
      return result;
    };
    return isolationLevel ? this.txHost.withTransaction({ isolationLevel }, body) : this.txHost.withTransaction(body);
  }

  /** Every batch of the unit, in one statement. A batch's `build` may register after-commit hooks. */
  private async writeBatches(unit: Unit): Promise<void> {
    const statements: DeferredStatement[] = [];
    for (const batch of unit.batches.values()) statements.push(await batch.build(batch.items));
    if (statements.length === 0) return;
    const { sql, parameters } = combineStatements(statements);
    await this.txHost.tx.query(sql, [...parameters]);
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

/**
 * One statement for several INSERTs: all but the last become data-modifying CTEs, the last is the
 * main statement, and each one's `$n` placeholders are moved past those of the ones before it.
 * Postgres runs every part, on one snapshot, or none.
 */
export function combineStatements(statements: readonly DeferredStatement[]): DeferredStatement {
  if (statements.length === 1) return statements[0];
  const parameters: unknown[] = [];
  const parts = statements.map((statement) => {
    const offset = parameters.length;
    parameters.push(...statement.parameters);
    return statement.sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
  });
  const main = parts.pop() as string;
  return { sql: `WITH ${parts.map((sql, i) => `written_${i} AS (${sql})`).join(', ')} ${main}`, parameters };
}

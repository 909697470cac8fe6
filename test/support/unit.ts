import type { Provider } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { ClsPluginTransactional, NoOpTransactionalAdapter } from '@nestjs-cls/transactional';
import { ClsModule } from 'nestjs-cls';

import { SerializedJson } from '../../src/common/http/serialized-json';
import { TransactionRunner } from '../../src/platform/database/transaction-runner';

/**
 * A testing module for one service with its collaborators replaced: the request context and
 * transactions of the real app (nestjs-cls with the transactional plugin's own test adapter, so
 * `TransactionRunner.run`, after-commit hooks and rollbacks behave as in production without a
 * database) plus `providers`.
 */
export function compileUnit(providers: Provider[]): Promise<TestingModule> {
  return Test.createTestingModule({
    imports: [
      ClsModule.forRoot({
        plugins: [
          new ClsPluginTransactional({ adapter: new NoOpTransactionalAdapter({ tx: {}, disableWarning: true }) }),
        ],
      }),
    ],
    providers: [TransactionRunner, ...providers],
  }).compile();
}

/** The application cache as the slices use it, always missing: every read runs its loader, as on a cold cache. */
export interface CacheMock {
  readonly getOrSet: jest.Mock<Promise<unknown>, [string, () => Promise<unknown>, unknown?]>;
  readonly getOrSetSerialized: jest.Mock<Promise<SerializedJson | null>, [string, () => Promise<unknown>, unknown?]>;
  readonly invalidateTags: jest.Mock<Promise<void>, string[]>;
}

/** Always a miss: the loader runs, and the serialised form is the loaded value's JSON (or null). */
export function newCacheMock(): CacheMock {
  return {
    getOrSet: jest.fn((_key: string, load: () => Promise<unknown>) => load()),
    getOrSetSerialized: jest.fn(async (_key: string, load: () => Promise<unknown>) => {
      const value = await load();
      return value === null || value === undefined ? null : SerializedJson.of(value);
    }),
    invalidateTags: jest.fn(() => Promise.resolve()),
  };
}

/** The audit log's writer; `record` resolves. */
export interface AuditMock {
  readonly record: jest.Mock<Promise<void>, [unknown]>;
}

export function newAuditMock(): AuditMock {
  return { record: jest.fn((_entry: unknown) => Promise.resolve()) };
}

/** The recorder of access decisions (allowed and denied), for services that check permissions. */
export interface AccessRecorderMock {
  readonly allowed: jest.Mock<void, unknown[]>;
  readonly denied: jest.Mock<void, unknown[]>;
}

export function newAccessRecorderMock(): AccessRecorderMock {
  return { allowed: jest.fn(), denied: jest.fn() };
}

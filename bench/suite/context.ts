import type { Fixtures } from './fixtures';
import type { Schedule } from './load';
import type { CpuPlacement } from './machine';
import type { SuiteOptions } from './options';
import type { Server } from './processes';
import type { Scratch } from './scratch';

/** What every scenario gets: the run's options, the scratch resources and the full-stack app. */
export interface SuiteContext {
  readonly options: SuiteOptions;
  readonly scratch: Scratch;
  readonly placement: CpuPlacement;
  readonly fixtures: Fixtures;
  /** The production configuration with the cache on: B1, B3, B4's reference and the soak. */
  readonly app: Server;
  /** Access tokens of the fixtures' customers, in the same order. */
  readonly tokens: readonly string[];
  readonly pairs: Schedule;
  readonly layers: Schedule;
}

/** One side-by-side comparison of the application with its baseline. */
export interface PairResult {
  readonly id: string;
  readonly title: string;
  readonly app: import('./load').Summary;
  readonly bare: import('./load').Summary;
  /** App throughput / baseline throughput (medians). */
  readonly ratio: number;
  readonly target: number;
  /** B0, the same I/O in a plain NestJS app (B1 only): the framework's own ceiling. */
  readonly framework?: { readonly summary: import('./load').Summary; readonly ratio: number; readonly target: number };
  readonly notes: string[];
}

export const ORDER_PATH = '/api/v1/orders';
export const LIST_PATH = '/api/v1/products?limit=20&sort=createdAt:desc';
export const READ_CONNECTIONS = 16;

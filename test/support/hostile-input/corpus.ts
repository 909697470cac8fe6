import { bodyCases } from './body-cases';
import { ALL_CALLERS, type HostileCase } from './hostile-case';
import { clientRequestId } from './hostile-values';
import type { Operation } from './openapi-operations';
import { forgedCredentialCases, headerCases, pathCases } from './path-and-header-cases';
import { queryCases } from './query-cases';
import type { Sampler } from './sampler';
import { transportCases } from './transport-cases';

export interface CorpusInputs {
  readonly operations: readonly Operation[];
  readonly sampler: Sampler;
  readonly bodyLimitBytes: number;
  /** A genuine `nextCursor` per operation key, where the operation could produce one. */
  readonly realCursors: ReadonlyMap<string, string>;
  /** A genuine access token, to forge tampered ones from. */
  readonly realToken: string;
}

/** Every hostile case for every operation, each with an X-Request-ID of its own (often an insane one). */
export function buildCorpus(inputs: CorpusInputs): HostileCase[] {
  const { sampler } = inputs;
  const cases = inputs.operations.flatMap((operation) => [
    ...transportCases(operation, sampler, inputs.bodyLimitBytes),
    ...bodyCases(operation, sampler),
    ...queryCases(operation, sampler, inputs.realCursors.get(operation.key)),
    ...pathCases(operation, sampler),
    ...headerCases(operation, sampler),
    ...forgedCredentialCases(operation, sampler, inputs.realToken),
  ]);
  const requestIds = sampler.take(clientRequestId, cases.length);
  return cases.map((hostile, index) => ({ ...hostile, requestId: requestIds[index] ?? undefined }));
}

/** How many requests the corpus sends (each case once per caller). */
export function requestCount(cases: readonly HostileCase[]): number {
  return cases.reduce((sum, hostile) => sum + (hostile.callers ?? ALL_CALLERS).length, 0);
}

/** Operations the corpus has no case for: each one is a gap a new route would slip through. */
export function operationsWithoutCases(operations: readonly Operation[], cases: readonly HostileCase[]): string[] {
  const covered = new Set(cases.map((hostile) => hostile.operation));
  return operations.map((operation) => operation.key).filter((key) => !covered.has(key));
}

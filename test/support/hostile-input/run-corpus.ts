import { ALL_CALLERS, type Caller, type HostileCase, STATUS_BY_ERROR_CODE } from './hostile-case';
import { preview } from './hostile-values';
import type { Operation } from './openapi-operations';
import { plainRequest } from './path-and-header-cases';

/** Mirrors src/common/context/request-id.ts: what the app echoes back instead of replacing. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** What must never reach a client: driver errors, SQL errors, stack frames. */
const LEAK = /QueryFailedError|syntax error at or near|invalid byte sequence|\n\s+at \S+ \(/;

export interface CorpusTarget {
  readonly baseUrl: string;
  readonly operations: readonly Operation[];
  /** Access tokens of the signed-in callers. */
  readonly tokens: Readonly<Record<Exclude<Caller, 'anonymous'>, string>>;
  readonly concurrency: number;
}

export interface CorpusResult {
  readonly requests: number;
  readonly byCategory: ReadonlyMap<string, number>;
  readonly failures: readonly string[];
}

interface Answer {
  readonly status: number;
  readonly requestIdHeader: string | null;
  readonly rateLimitHeader: string | null;
  readonly text: string;
}

/**
 * Sends every case as each of its callers and judges every answer: never a 5xx, the expected
 * status, the error envelope of docs/api.md with a code that fits the status, the request id
 * rule, nothing leaked. Failures are collected, not thrown, so one run reports all of them.
 */
export async function runCorpus(cases: readonly HostileCase[], target: CorpusTarget): Promise<CorpusResult> {
  const operations = new Map(target.operations.map((operation) => [operation.key, operation]));
  const baselines = await measureBaselines(cases, operations, target);
  const jobs = cases.flatMap((hostile) => (hostile.callers ?? ALL_CALLERS).map((caller) => ({ hostile, caller })));
  const failures: string[] = [];
  const byCategory = new Map<string, number>();
  const customerDenials = new Map<string, Set<boolean>>();
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let job = jobs[next++]; job !== undefined; job = jobs[next++]) {
      const { hostile, caller } = job;
      const operation = operations.get(hostile.operation) as Operation;
      byCategory.set(hostile.category, (byCategory.get(hostile.category) ?? 0) + 1);
      const answer = await send(target, hostile, caller);
      const expected = expectedStatuses(hostile, caller, operation, baselines);
      const problems = judge(hostile, answer, expected);
      if (caller === 'customer' && !hostile.expect.decidedBeforeAuth && expected.includes(403) && answer.status < 500) {
        const seen = customerDenials.get(operation.key) ?? new Set<boolean>();
        seen.add(answer.status === 403);
        customerDenials.set(operation.key, seen);
      }
      for (const problem of problems) {
        failures.push(
          `${caller} ${hostile.method} ${hostile.url.slice(0, 140)} [${hostile.category}: ${hostile.description}] ${problem}`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: target.concurrency }, () => worker()));
  for (const [key, seen] of customerDenials) {
    if (seen.size > 1)
      failures.push(
        `customer got 403 for some inputs of ${key} and not for others: the permission guard must decide first`,
      );
  }
  const baselineRequests = [...baselines.values()].length;
  return { requests: jobs.length + baselineRequests, byCategory, failures };
}

/** The answer each caller gets to the plain request of the operations whose cases must not change it. */
async function measureBaselines(
  cases: readonly HostileCase[],
  operations: ReadonlyMap<string, Operation>,
  target: CorpusTarget,
): Promise<Map<string, number>> {
  const baselines = new Map<string, number>();
  const keys = new Set(
    cases.filter((hostile) => hostile.expect.status === 'baseline').map((hostile) => hostile.operation),
  );
  for (const key of keys) {
    const operation = operations.get(key) as Operation;
    if (operation.method !== 'GET') throw new Error(`${key}: a baseline is only measured for GET`);
    for (const caller of ALL_CALLERS) {
      const plain: HostileCase = {
        ...plainRequest(operation),
        operation: key,
        method: 'GET',
        category: 'baseline',
        description: 'plain',
        expect: { status: 200 },
      };
      baselines.set(`${key}|${caller}`, (await send(target, plain, caller)).status);
    }
  }
  return baselines;
}

function expectedStatuses(
  hostile: HostileCase,
  caller: Caller,
  operation: Operation,
  baselines: Map<string, number>,
): number[] {
  const { status, decidedBeforeAuth } = hostile.expect;
  if (status === 'baseline') return [baselines.get(`${operation.key}|${caller}`) ?? -1];
  if (decidedBeforeAuth) return [status];
  if (caller === 'anonymous' && !operation.isPublic) return [401];
  if (caller === 'customer') return [status, 403];
  return [status];
}

function judge(hostile: HostileCase, answer: Answer, expected: number[]): string[] {
  const problems: string[] = [];
  const got = `got ${answer.status} ${preview(answer.text.slice(0, 200))}`;
  if (answer.status >= 500) problems.push(`server error: ${got}`);
  else if (!expected.includes(answer.status)) problems.push(`expected ${expected.join(' or ')}, ${got}`);
  problems.push(...requestIdProblems(hostile.requestId, answer.requestIdHeader));
  // Every API request is counted against its address before anything can refuse it (0028).
  if (hostile.url.startsWith('/api/') && answer.rateLimitHeader === null) problems.push(`no X-RateLimit-Limit: ${got}`);
  if (LEAK.test(answer.text)) problems.push(`internals leaked: ${got}`);
  if (answer.status === 204 || answer.status === 304) return problems;
  const body = parse(answer.text);
  if (answer.status >= 400) {
    const error = body?.error as { code?: unknown; message?: unknown } | undefined;
    const code = typeof error?.code === 'string' ? error.code : undefined;
    if (body?.success !== false || code === undefined || typeof error?.message !== 'string') {
      problems.push(`no error envelope: ${got}`);
    } else if (STATUS_BY_ERROR_CODE[code] !== answer.status) {
      problems.push(`code ${code} does not go with status ${answer.status}`);
    } else if (hostile.expect.code && answer.status === hostile.expect.status && code !== hostile.expect.code) {
      problems.push(`expected code ${hostile.expect.code}, ${got}`);
    }
    if (body?.requestId !== answer.requestIdHeader) problems.push('requestId in the body differs from X-Request-ID');
  } else if (hostile.url.startsWith('/api/') && body?.success !== true) {
    // The probes answer in Terminus's own format; the envelope is the API's.
    problems.push(`no success envelope: ${got}`);
  }
  return problems;
}

function requestIdProblems(sent: string | undefined, echoed: string | null): string[] {
  if (echoed === null) return ['no X-Request-ID on the response'];
  if (sent !== undefined && SANE_REQUEST_ID.test(sent))
    return echoed === sent ? [] : [`sane X-Request-ID ${sent} not echoed`];
  if (sent !== undefined && echoed === sent) return [`insane X-Request-ID ${preview(sent)} echoed back`];
  return UUID.test(echoed) ? [] : [`generated X-Request-ID ${preview(echoed)} is not a UUID`];
}

async function send(target: CorpusTarget, hostile: HostileCase, caller: Caller): Promise<Answer> {
  const headers: Record<string, string> = { ...hostile.headers };
  if (caller !== 'anonymous') headers.authorization = `Bearer ${target.tokens[caller]}`;
  if (hostile.requestId !== undefined) headers['x-request-id'] = hostile.requestId;
  const response = await fetch(`${target.baseUrl}${hostile.url}`, {
    method: hostile.method,
    headers,
    body: hostile.body,
    redirect: 'manual',
  });
  return {
    status: response.status,
    requestIdHeader: response.headers.get('x-request-id'),
    rateLimitHeader: response.headers.get('x-ratelimit-limit'),
    text: await response.text(),
  };
}

function parse(text: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

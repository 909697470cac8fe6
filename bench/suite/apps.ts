import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';

import type { OptionalLayer } from '../../src/common/http/request-layers';
import type { CpuPlacement } from './machine';
import { type Server, startServer } from './processes';
import type { Scratch } from './scratch';

/** The compiled application and baselines (`npm run bench` builds both first). */
export const APP_MAIN = resolve('dist/main.js');
/** The Node flags the image starts the application with (Dockerfile CMD). */
export const PRODUCTION_NODE_FLAGS = ['--max-semi-space-size=16'];
/** The application without some request-path layers (B4; docs/decisions/0032). */
const APP_WITHOUT_LAYERS = resolve('dist/bench-build/bench/app-without-layers.js');
const BASELINES = resolve('dist/bench-build/bench/baselines');

/**
 * How B4 removes a layer: production switches (rate limiting, compression, the time budget) by
 * their environment variable; layers production always runs through the benchmark's own entry
 * point, which builds the app without them.
 */
export interface Removal {
  readonly env?: Record<string, string>;
  readonly leaveOut?: readonly OptionalLayer[];
}

export interface Layer extends Removal {
  readonly id: string;
  readonly label: string;
}

export const LAYERS: readonly Layer[] = [
  { id: 'requestLogging', label: 'request logging', leaveOut: ['requestLogging'] },
  { id: 'httpMetrics', label: 'HTTP metrics', leaveOut: ['httpMetrics'] },
  { id: 'rateLimit', label: 'rate limiting', env: { RATE_LIMIT_ENABLED: 'false' } },
  { id: 'securityHeaders', label: 'security headers', leaveOut: ['securityHeaders'] },
  { id: 'envelope', label: 'response envelope', leaveOut: ['responseEnvelope'] },
  { id: 'compression', label: 'compression', env: { COMPRESSION_ENABLED: 'false' } },
  { id: 'requestTimeout', label: 'request timeout', env: { REQUEST_TIMEOUT_MS: '0' } },
];

export const ALL_LAYERS_OFF: Removal = {
  env: Object.assign({}, ...LAYERS.map((layer) => layer.env ?? {})) as Record<string, string>,
  leaveOut: LAYERS.flatMap((layer) => layer.leaveOut ?? []),
};

/** Secrets of this run only: production refuses to start without them. */
const secrets = {
  JWT_SECRET: randomBytes(32).toString('base64'),
  FIELD_ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}`,
};

export function jwtSecret(): string {
  return secrets.JWT_SECRET;
}

/**
 * The production configuration: JSON logs at info (to a file), metrics, helmet, the envelope, and
 * rate limiting in Redis with limits no benchmark reaches, so every request is still counted in
 * Redis without being refused.
 */
export function productionEnv(scratch: Scratch): Record<string, string> {
  return {
    NODE_ENV: 'production',
    ...secrets,
    ...scratch.paymentEnv,
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
    // Scraped by the bench on loopback only.
    METRICS_PUBLIC: 'true',
    DATABASE_URL: scratch.databaseUrl,
    DATABASE_POOL_SIZE: String(scratch.poolSize),
    SEED_DEMO_DATA: 'false',
    REDIS_KEY_PREFIX: scratch.redisKeyPrefix,
    RATE_LIMIT_DEFAULT_LIMIT: '1000000000',
    RATE_LIMIT_ADDRESS_LIMIT: '1000000000',
    RATE_LIMIT_BURST_LIMIT: '1000000000',
    RATE_LIMIT_AUTH_LIMIT: '1000000000',
    RATE_LIMIT_ACCOUNT_LIMIT: '1000000000',
    RATE_LIMIT_ACCOUNT_CEILING: '1000000000',
    ...(scratch.redisUrl ? { REDIS_URL: scratch.redisUrl } : {}),
  };
}

export function startApp(
  name: string,
  scratch: Scratch,
  placement: CpuPlacement,
  removal: Removal = {},
  nodeFlags: readonly string[] = [],
): Promise<Server> {
  const leaveOut = removal.leaveOut ?? [];
  return startServer(
    {
      name,
      args: [...PRODUCTION_NODE_FLAGS, ...nodeFlags, leaveOut.length > 0 ? APP_WITHOUT_LAYERS : APP_MAIN],
      env: {
        ...productionEnv(scratch),
        ...removal.env,
        ...(leaveOut.length > 0 ? { BENCH_LEAVE_OUT: leaveOut.join(',') } : {}),
      },
      logFile: join(scratch.dir, `${name}.log`),
    },
    placement,
  );
}

export function startBaseline(
  script: 'cached-read' | 'nest-cached-read' | 'list-read' | 'order-placement',
  scratch: Scratch,
  placement: CpuPlacement,
  env: Record<string, string>,
): Promise<Server> {
  return startServer(
    {
      name: `bare ${script}`,
      args: [join(BASELINES, `${script}.js`)],
      env: {
        DATABASE_URL: scratch.databaseUrl,
        POOL_SIZE: String(scratch.poolSize),
        ...(scratch.redisUrl ? { REDIS_URL: scratch.redisUrl } : {}),
        ...env,
      },
      logFile: join(scratch.dir, `bare-${script}.log`),
    },
    placement,
  );
}

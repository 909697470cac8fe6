import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';

import type { RedisConfig } from '../../config';
import { LogThrottle } from '../logging/log-throttle';

const MAX_RECONNECT_DELAY_MS = 2000;

/**
 * A client that fails fast instead of queueing: while Redis is down commands are rejected at
 * once (no offline queue, one attempt), so callers fall back to their in-process path instead of
 * waiting; it keeps reconnecting in the background and recovers without a restart.
 */
/**
 * @param commandTimeoutMs a command slower than this fails (default REDIS_COMMAND_TIMEOUT_MS); callers
 *   that must not treat a slow answer as an outage pass a longer one.
 */
export function createRedisClient(
  config: RedisConfig,
  role: string,
  commandTimeoutMs = config.commandTimeoutMs,
): Redis {
  const logger = new Logger(`Redis:${role}`);
  const client = new Redis(config.url as string, {
    connectionName: `commerce-api:${role}`,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 2000,
    commandTimeout: commandTimeoutMs,
    retryStrategy: (attempt) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
    lazyConnect: false,
    // Commands issued by concurrent requests in one tick go out in one write (fewer syscalls on
    // both sides); each still gets its own answer and timeout.
    enableAutoPipelining: true,
  });
  // A warning per outage, not per reconnect attempt.
  const outage = new LogThrottle();
  client.on('error', (error: Error) => {
    if (outage.due()) logger.warn({ err: error.message }, 'Redis connection error; falling back until it recovers');
  });
  client.on('ready', () => {
    if (outage.reporting) logger.log('Redis connection restored');
    outage.reset();
  });
  return client;
}

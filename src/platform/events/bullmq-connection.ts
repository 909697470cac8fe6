import type { ConnectionOptions } from 'bullmq';

/**
 * Connection options for BullMQ. Its blocking worker connection needs `maxRetriesPerRequest:
 * null`; the producer has no offline queue, so a publish during a Redis outage fails at once and
 * leaves the outbox row pending for the poller instead of hanging the request.
 */
export function bullConnectionOptions(url: string, role: 'producer' | 'worker'): ConnectionOptions {
  return {
    url,
    maxRetriesPerRequest: null,
    enableOfflineQueue: role === 'worker',
    connectTimeout: 2000,
    retryStrategy: (attempt: number) => Math.min(attempt * 200, 5000),
  };
}

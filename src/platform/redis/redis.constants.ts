/** The shared ioredis client, or null when REDIS_URL is unset (everything then runs in-process). */
export const REDIS_CLIENT = Symbol('REDIS_CLIENT');

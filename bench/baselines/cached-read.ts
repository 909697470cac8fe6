/**
 * B1 baseline: `GET /api/v1/products/:id` as one Redis GET of the bytes the application sends for
 * that product (stored under BARE_KEY by the runner), written back as they are. Without REDIS_URL
 * the bytes come from BARE_BODY_FILE, like the application's in-process cache.
 */
import { readFileSync } from 'node:fs';

import { Redis } from 'ioredis';

import { requireEnv, sendJson, serve } from './bare-server';

const PREFIX = '/api/v1/products/';
const key = requireEnv('BARE_KEY');
const redisUrl = process.env.REDIS_URL;
const redis = redisUrl ? new Redis(redisUrl, { enableAutoPipelining: false }) : null;
const inMemory = new Map<string, Buffer>();
if (!redis) inMemory.set(key, readFileSync(requireEnv('BARE_BODY_FILE')));

serve(
  'cached-read',
  async (req, res) => {
    if (req.method !== 'GET' || !req.url?.startsWith(PREFIX)) return sendJson(res, 404, '{"success":false}');
    const body = redis ? await redis.getBuffer(key) : inMemory.get(key);
    if (!body) return sendJson(res, 404, '{"success":false}');
    sendJson(res, 200, body);
  },
  async () => {
    await redis?.quit();
  },
);

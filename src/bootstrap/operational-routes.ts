import type { NextFunction, Request, Response } from 'express';

import { ResourceNotFoundException } from '../common/errors';

/** Routes every process serves, whatever its role: the probes and the metrics scrape. */
export const OPERATIONAL_ROUTES = ['health/live', 'health/ready', 'metrics'];

export const OPERATIONAL_PATHS: ReadonlySet<string> = new Set(OPERATIONAL_ROUTES.map((route) => `/${route}`));

/**
 * A worker process (APP_ROLE=worker) answers only the probes and /metrics: everything else gets
 * the 404 of an unknown route (through the exception filter), so a Service pointed at workers by
 * mistake fails loudly instead of quietly serving the API from pods sized for queue work.
 */
export function operationalRoutesOnly(request: Request, _response: Response, next: NextFunction): void {
  next(OPERATIONAL_PATHS.has(request.path) ? undefined : new ResourceNotFoundException('Route'));
}

import type { NextFunction, Request, Response } from 'express';

import { ResourceNotFoundException } from '../common/errors';

/** Routes every process serves, whatever its role: the probes and the metrics scrape. */
export const OPERATIONAL_ROUTES = ['health/live', 'health/ready', 'metrics'];

export const OPERATIONAL_PATHS: ReadonlySet<string> = new Set(OPERATIONAL_ROUTES.map((route) => `/${route}`));

/**
 * Outside the versioned API only the operational routes and (when mounted) the OpenAPI document
 * are served. Anything else is refused here with the 404 envelope: Nest's own "no such route"
 * handler is mounted under the global prefix only, and Express would answer an HTML page.
 */
export function unknownOutsideApi(apiPrefix: string, docsPrefix?: string) {
  const api = `/${apiPrefix}`;
  const docs = docsPrefix === undefined ? undefined : `/${docsPrefix}`;
  return (request: Request, _response: Response, next: NextFunction): void => {
    const path = request.path;
    const served =
      path === api ||
      path.startsWith(`${api}/`) ||
      OPERATIONAL_PATHS.has(path) ||
      (docs !== undefined && (path === docs || path.startsWith(`${docs}/`) || path.startsWith(`${docs}-`)));
    next(served ? undefined : new ResourceNotFoundException('Route'));
  };
}

/**
 * A worker process (APP_ROLE=worker) answers only the probes and /metrics: everything else gets
 * the 404 of an unknown route (through the exception filter), so a Service pointed at workers by
 * mistake fails loudly instead of quietly serving the API from pods sized for queue work.
 */
export function operationalRoutesOnly(request: Request, _response: Response, next: NextFunction): void {
  next(OPERATIONAL_PATHS.has(request.path) ? undefined : new ResourceNotFoundException('Route'));
}

import type { IncomingMessage, ServerResponse } from 'node:http';

import type { Request, Response } from 'express';

/** The label for requests that matched no route: raw paths must never become log or metric labels. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * The route template a request was served by (`/api/v1/products/:id`), never the raw path with
 * its ids. The exception filter marks requests that matched no route.
 */
export function routeTemplateOf(req: IncomingMessage, res: ServerResponse): string {
  const locals = (res as Response).locals as { route?: string } | undefined;
  if (locals?.route) return locals.route;
  const express = req as Request;
  const route = express.route as { path?: unknown } | undefined;
  return typeof route?.path === 'string' ? `${express.baseUrl}${route.path}` : UNMATCHED_ROUTE;
}

/** Called by the exception filter for the framework's "no such route" 404. */
export function markUnmatchedRoute(res: Response): void {
  res.locals.route = UNMATCHED_ROUTE;
}

import type { NestExpressApplication } from '@nestjs/platform-express';

interface RouteLayer {
  readonly route?: { readonly path: string; readonly methods: Readonly<Record<string, boolean>> };
}

const HANDLER_METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/**
 * `METHOD /path` of every route handler registered on the Express app (Express 5 keeps them on
 * `app.router`). Nest binds middleware as one route per HTTP method, exotic ones included; a
 * method no handler uses (ACL) counts those bindings per path, and they are subtracted.
 */
export function registeredRoutes(app: NestExpressApplication): string[] {
  const express = app.getHttpAdapter().getInstance() as { router: { stack: readonly RouteLayer[] } };
  const counts = new Map<string, number>();
  for (const layer of express.router.stack) {
    for (const method of Object.keys(layer.route?.methods ?? {})) {
      const key = `${method} ${layer.route?.path}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  const paths = new Set([...counts.keys()].map((key) => key.slice(key.indexOf(' ') + 1)));
  return [...paths].flatMap((path) => {
    const middlewareBindings = counts.get(`acl ${path}`) ?? 0;
    return HANDLER_METHODS.filter((method) => (counts.get(`${method} ${path}`) ?? 0) > middlewareBindings).map(
      (method) => `${method.toUpperCase()} ${path.length > 1 ? path.replace(/\/$/, '') : path}`,
    );
  });
}

import type { LoggerService } from '@nestjs/common';

/**
 * Nest's own start-up lines: one per module and route. Useful when wiring breaks, noise on every
 * other start, so they go to debug (LOG_LEVEL=debug shows them).
 */
const FRAMEWORK_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RouterExplorer', 'NestApplication']);

/**
 * RoutesResolver announces each controller under the global prefix even when its routes are
 * excluded from it (`/api/v1/metrics` for the `/metrics` route); the RouterExplorer line that
 * follows names the real path, so the misleading one is dropped at every level.
 */
const DROPPED_CONTEXTS = new Set(['RoutesResolver']);

/**
 * NestApplication logs an error only just before it rejects or throws that same error to the
 * caller (listen on a port in use, say), and the caller reports it: `npm start` prints one line.
 */
const REPORTED_BY_CALLER_CONTEXTS = new Set(['NestApplication']);

/** The application logger with Nest's start-up chatter moved out of the default level. */
export class FrameworkQuietLogger implements LoggerService {
  constructor(private readonly inner: LoggerService) {}

  log(message: unknown, ...rest: unknown[]): void {
    const context = rest.at(-1);
    if (typeof context === 'string' && DROPPED_CONTEXTS.has(context)) return;
    if (typeof context === 'string' && FRAMEWORK_CONTEXTS.has(context)) this.inner.debug?.(message, ...rest);
    else this.inner.log(message, ...rest);
  }

  error(message: unknown, ...rest: unknown[]): void {
    const context = rest.at(-1);
    if (typeof context === 'string' && REPORTED_BY_CALLER_CONTEXTS.has(context)) this.inner.debug?.(message, ...rest);
    else this.inner.error(message, ...rest);
  }

  warn(message: unknown, ...rest: unknown[]): void {
    this.inner.warn(message, ...rest);
  }

  debug(message: unknown, ...rest: unknown[]): void {
    this.inner.debug?.(message, ...rest);
  }

  verbose(message: unknown, ...rest: unknown[]): void {
    this.inner.verbose?.(message, ...rest);
  }

  fatal(message: unknown, ...rest: unknown[]): void {
    this.inner.fatal?.(message, ...rest);
  }
}

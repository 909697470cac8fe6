import type { IncomingMessage, ServerResponse } from 'node:http';

import type { Response } from 'express';
import type { Params } from 'nestjs-pino';
import pino, { type DestinationStream } from 'pino';
import type { Options } from 'pino-http';

import { routeTemplateOf } from '../../common/http/route-template';
import type { LoggingConfig } from '../../config';
import { activeTraceFields } from '../tracing/tracing';
import { redactSecrets } from './redaction';

/** Probes and scrapes run every few seconds; logging each would bury the traffic that matters. */
const QUIET_PATHS = new Set(['/health/live', '/health/ready', '/metrics']);

type RequestWithId = IncomingMessage & { originalUrl?: string };

/**
 * nestjs-pino / pino-http options. Keys are stable for log shipping: `time`, `level`, `msg`,
 * `requestId`, `userId` (bound once known), `durationMs`, `status`, `route`.
 */
export interface LoggerOutput {
  /** Whether every request gets its completion line (always, but for the benchmark's measurement without it). */
  readonly requestLines: boolean;
  readonly destination?: DestinationStream;
}

export function buildLoggerParams(config: LoggingConfig, { requestLines, destination }: LoggerOutput): Params {
  const options: Options = {
    level: config.level,
    messageKey: 'msg',
    timestamp: pino.stdTimeFunctions.isoTime,
    // Secrets are censored by key (redaction.ts) rather than by pino's `redact` paths, which cost
    // more than everything else a request line does (docs/performance.md).
    formatters: { level: (label: string) => ({ level: label }), log: (object) => redactSecrets(object) },
    base: { service: 'commerce-api' },
    // Trace and span ids of the active span (when tracing is on), so logs and traces join up.
    mixin: activeTraceFields,
    genReqId: (req: IncomingMessage) => req.id ?? 'unknown',
    quietReqLogger: true,
    quietResLogger: true,
    customAttributeKeys: { reqId: 'requestId', responseTime: 'durationMs' },
    autoLogging: requestLines && {
      ignore: (req: IncomingMessage) => QUIET_PATHS.has((req.url ?? '').split('?')[0]),
    },
    customLogLevel: (_req: IncomingMessage, res: ServerResponse, error?: Error) =>
      error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    customSuccessMessage: (req: IncomingMessage, res: ServerResponse) =>
      `${req.method} ${routeTemplateOf(req, res)} ${res.statusCode}`,
    customErrorMessage: (req: IncomingMessage, res: ServerResponse) =>
      `${req.method} ${routeTemplateOf(req, res)} ${res.statusCode}`,
    customSuccessObject: (req: IncomingMessage, res: ServerResponse, value: object) => completion(req, res, value),
    customErrorObject: (req: IncomingMessage, res: ServerResponse, _error: Error, value: object) =>
      completion(req, res, value),
    serializers: {
      req: (req: RequestWithId) => ({ method: req.method, url: req.originalUrl ?? req.url }),
      res: () => undefined,
    },
    transport:
      config.format === 'pretty' && !destination
        ? {
            target: 'pino-pretty',
            options: {
              // Colour codes only for a terminal: redirected to a file or a pipe they are noise.
              colorize: process.stdout.isTTY === true,
              singleLine: true,
              translateTime: 'SYS:HH:MM:ss.l',
              ignore: 'pid,hostname,service',
            },
          }
        : undefined,
  };
  const stream = destination ?? (config.format === 'json' ? batchedStdout() : undefined);
  return { pinoHttp: stream ? [options, stream] : options, assignResponse: true };
}

/** Lines written per `write(2)`: up to this many bytes are gathered first (docs/performance.md). */
const LOG_BATCH_BYTES = 4096;
/** A quiet moment never holds a line back longer than this. */
const LOG_FLUSH_INTERVAL_MS = 200;

/**
 * Standard output, written asynchronously and in batches: one system call per few kilobytes of
 * lines instead of one per line, which under load was the request log's largest single cost. A
 * line waits at most LOG_FLUSH_INTERVAL_MS, and pino flushes what is left synchronously when the
 * process exits (also on a crash), so nothing logged is lost.
 */
function batchedStdout(): DestinationStream {
  return pino.destination({ dest: 1, sync: false, minLength: LOG_BATCH_BYTES, periodicFlush: LOG_FLUSH_INTERVAL_MS });
}

function completion(req: IncomingMessage, res: ServerResponse, value: object): object {
  const locals = ((res as Response).locals ?? {}) as { errorCode?: string };
  const { req: _omitRequest, res: _omitResponse, ...rest } = value as Record<string, unknown>;
  return {
    ...rest,
    method: req.method,
    route: routeTemplateOf(req, res),
    status: res.statusCode,
    ...(locals.errorCode ? { errorCode: locals.errorCode } : {}),
  };
}

import { inspect } from 'node:util';

import { Logger, type LoggerService } from '@nestjs/common';

/**
 * Sends what code logs through Nest's Logger during a test to the buffer of the test environment
 * (captured-logs.environment.cjs), which prints it only if the test fails.
 */
function capture(level: string) {
  return (message: unknown, ...context: unknown[]): void => {
    const lines = (globalThis as { __capturedLogLines?: string[] }).__capturedLogLines;
    const text = typeof message === 'string' ? message : inspect(message, { depth: 4, breakLength: Infinity });
    lines?.push(
      `${level} ${context.map((part) => (typeof part === 'string' ? `[${part}]` : inspect(part))).join(' ')} ${text}`,
    );
  };
}

const capturing: LoggerService = {
  log: capture('LOG'),
  error: capture('ERROR'),
  warn: capture('WARN'),
  debug: capture('DEBUG'),
  verbose: capture('VERBOSE'),
  fatal: capture('FATAL'),
};

Logger.overrideLogger(capturing);

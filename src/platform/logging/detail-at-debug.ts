import type { PinoLogger } from 'nestjs-pino';

/**
 * Runs `work` with the info lines it logs shown only when LOG_LEVEL is debug or finer; warnings
 * and errors show as always. For start-up work that goes through the slices' own services, which
 * log one domain line per record ("User registered"), when a summary already says what happened.
 */
export function withDetailAtDebug<T>(pino: PinoLogger, work: () => Promise<T>): Promise<T> {
  return pino.runInContext(
    () => {
      // With bindings, runInContext gives this context a child logger of its own, so its level
      // changes nothing outside it (without them it would be the root logger). Only ever raised:
      // at warn or silent it stays as it is.
      const logger = pino.logger;
      if (logger.isLevelEnabled('info') && !logger.isLevelEnabled('debug')) logger.level = 'warn';
      return work();
    },
    { bindings: { phase: 'start-up' } },
  );
}

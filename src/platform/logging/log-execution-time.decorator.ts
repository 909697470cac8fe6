import { Logger } from '@nestjs/common';

/**
 * Logs how long a method took (at debug, or `level`), whether it returned or threw:
 *
 *   @LogExecutionTime()
 *   async rebuildSearchIndex() { ... }
 *
 * Works on sync and async methods; the log line carries the request context like any other.
 */
export function LogExecutionTime(level: 'debug' | 'log' | 'verbose' = 'debug'): MethodDecorator {
  return (target, propertyKey, descriptor: PropertyDescriptor) => {
    const original = descriptor.value as (...args: unknown[]) => unknown;
    const operation = `${target.constructor.name}.${String(propertyKey)}`;
    const logger = new Logger(target.constructor.name);
    const report = (started: number, failed: boolean) =>
      logger[level](
        { operation, durationMs: Number((performance.now() - started).toFixed(2)), failed },
        `${operation} finished`,
      );

    descriptor.value = function timed(this: unknown, ...args: unknown[]) {
      const started = performance.now();
      try {
        const result = original.apply(this, args);
        if (result instanceof Promise) {
          return (result as Promise<unknown>).then(
            (value) => (report(started, false), value),
            (error: unknown) => {
              report(started, true);
              throw error;
            },
          );
        }
        report(started, false);
        return result;
      } catch (error) {
        report(started, true);
        throw error;
      }
    };
    return descriptor;
  };
}

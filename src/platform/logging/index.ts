export * from './log-execution-time.decorator';
export * from './logging.module';

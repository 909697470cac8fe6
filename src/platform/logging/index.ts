export * from './detail-at-debug';
export * from './log-execution-time.decorator';
export * from './logging.module';

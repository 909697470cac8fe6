export * from './app-throttler.guard';
export * from './rate-limit.constants';
export * from './rate-limit.decorators';
export * from './rate-limit.module';

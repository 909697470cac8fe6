export * from './address-rate-limit.middleware';
export * from './app-throttler.guard';
export * from './credential-attempts';
export * from './rate-limit.constants';
export * from './rate-limit.decorators';
export * from './rate-limit.module';

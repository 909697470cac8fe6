export * from './health.module';
export * from './readiness-contributors';

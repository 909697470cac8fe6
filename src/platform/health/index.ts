export * from './health.module';
export * from './readiness-contributors';
export * from './shutdown-coordinator';

export * from './access-errors';
export * from './app.exception';
export * from './client-errors';
export * from './database-error.mapper';
export * from './domain-errors';
export * from './error-code';
export * from './system-errors';

export * from './config.module';
export * from './config.types';
export * from './cors-origins';
export * from './environment';
export * from './field-encryption-keys';
export * from './validate-environment';

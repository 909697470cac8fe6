export * from './config.module';
export * from './config.namespaces';
export * from './cors-origins';
export * from './environment';
export * from './field-encryption-keys';
export * from './validate-environment';

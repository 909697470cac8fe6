export * from './cors-options';
export * from './csrf-token.service';
export * from './encrypted-column.transformer';
export * from './field-encryption.service';
export * from './password-hasher.service';
export * from './revocation-store';
export * from './security.module';
export * from './static-bearer-token';

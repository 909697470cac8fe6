export * from './request-context.service';
export * from './request-id';

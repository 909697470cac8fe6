export * from './access.decorators';
export * from './current-user.decorator';
export * from './optional-user.decorator';
export * from './public.decorator';
export * from './raw-response.decorator';
export * from './request-timeout.decorator';

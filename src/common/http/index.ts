export * from './api-envelope.decorators';
export * from './auth-cookies';
export * from './conditional-get.decorator';
export * from './error-envelope.dto';
export * from './etag';
export * from './json-body';
export * from './paginated';
export * from './route-template';

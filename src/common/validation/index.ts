export * from './app-validation.pipe';
export * from './is-international-phone';
export * from './password-policy';
export * from './transforms';
export * from './uuid-param.pipe';
export * from './validation-error.mapper';

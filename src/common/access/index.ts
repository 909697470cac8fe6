export * from './access.metrics';
export * from './access-control.service';
export * from './access-decision.recorder';
export * from './access-rule';
export * from './authenticator';
export * from './permissions';
export * from './principal';
export * from './roles';

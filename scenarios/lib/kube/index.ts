// The Kubernetes API layer without k6 bindings: protocol modules import this (they must run in
// Node for the runner's probe). Scenarios add the k6 pieces from ./k6: the transport and sockets.
export * from './backoff';
export * from './client';
export * from './errors';
export * from './paths';
export * from './sli-tags';
export * from './sources';
export * from './stop';
export * from './transport';
export type * from './types';
export * from './watch';

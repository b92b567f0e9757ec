export * from './errors';
export * from './metrics';
export * from './workers';
export * from './jobs';
export * from './coordinator-contract';
export * from './worker-contract';
export * from './openapi';
export * from './clients';
export { embedJson } from './json-bytes';

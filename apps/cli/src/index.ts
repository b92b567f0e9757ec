// For scripts and tests that drive a cluster.
export { LocalCluster, sharedConcurrency } from './local-cluster';
export type { LocalClusterOptions, LocalWorker } from './local-cluster';
export { runJob, waitForJob, JobRequestError, UnauthorizedError } from './run-job';
export { formatReport } from './format-report';
export { startChild, stopChild } from './child-process';

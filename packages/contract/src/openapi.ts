// OpenAPI documents for dashboards that generate their own clients.
import { generateOpenApi } from '@ts-rest/open-api';
import { coordinatorContract } from './coordinator-contract';
import { workerContract } from './worker-contract';

export function coordinatorOpenApi() {
  return generateOpenApi(coordinatorContract, { info: { title: 'loganalyzer coordinator', version: '1' } });
}

export function workerOpenApi() {
  return generateOpenApi(workerContract, { info: { title: 'loganalyzer worker', version: '1' } });
}

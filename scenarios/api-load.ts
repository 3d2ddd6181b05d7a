// Arrival-rate load on the read and write APIs, one scenario per verb and scope, against a fleet
// that is already registered.
//   k6 run -e TARGET=http://127.0.0.1:8080 dist/k6/api-load.js
import { connect } from './lib/connect';
import { readOptions, readPlan } from './lib/env';
import { apiLoadExecs } from './lib/operator';
import { defaultThresholds } from './lib/sli';
import { PROTOCOLS } from './protocols/index';

const plan = readPlan();
const cp = connect(plan, PROTOCOLS);
const duration = `${plan.durationS}s`;

export const options = readOptions({
  scenarios: {
    get: { executor: 'constant-arrival-rate', exec: 'apiGet', rate: 20, timeUnit: '1s', duration, preAllocatedVUs: 5, maxVUs: 20 },
    listNamespace: { executor: 'constant-arrival-rate', exec: 'apiListNamespace', rate: 2, timeUnit: '1s', duration, preAllocatedVUs: 2, maxVUs: 10 },
    listCluster: { executor: 'constant-arrival-rate', exec: 'apiListCluster', rate: 1, timeUnit: '5s', duration, preAllocatedVUs: 1, maxVUs: 4 },
    patch: { executor: 'constant-arrival-rate', exec: 'apiPatch', rate: 5, timeUnit: '1s', duration, preAllocatedVUs: 2, maxVUs: 10 },
  },
  thresholds: defaultThresholds(['api-mutating', 'api-read-resource', 'api-read-namespace', 'api-read-cluster']),
});

export const { apiGet, apiListNamespace, apiListCluster, apiPatch } = apiLoadExecs(cp, plan);

export default apiGet;

// What a hand-run script uses without the runner: ten agents of the config's base behaviour
// against a simulator on the default port. Plain data, so k6.config.ts bundles into the script.
import config from '../../k6.config';
import { DEFAULT_TOKENS } from '../../simulator/api';
import { DEFAULT_PROTOCOL } from '../protocols/index';
import type { ScenarioPlan } from './plan';

export const SMOKE_PLAN: ScenarioPlan = {
  protocol: DEFAULT_PROTOCOL,
  target: 'http://127.0.0.1:8080',
  clusters: 10,
  agentsPerVu: 5,
  vus: 2,
  durationS: 20,
  registrationToken: DEFAULT_TOKENS.registration,
  operatorToken: DEFAULT_TOKENS.operator,
  agent: config.base.agent,
  rollout: { ...config.base.rollout, startAfterS: 5 },
  apiLoad: config.base.apiLoad,
};

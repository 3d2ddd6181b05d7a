// startSimulator itself: options validated (errors name the option), a taken port refused, and
// close() answering parked long polls instead of dropping them.
import { describe, expect, it } from 'vitest';
import type { DeploymentList, RegistrationStatus } from './api';
import { OptionError } from './options';
import { startSimulator } from './server';
import { call, clusterPath, REG, registerReady, start, waitFor } from './test-helpers';

describe('startSimulator', () => {
  it.each([
    [{ port: -1 }, 'port'],
    [{ registrationWorkers: 0 }, 'registrationWorkers'],
    [{ leaseGrace: 0.9 }, 'leaseGrace'],
    [{ maxBodyBytes: 1.5 }, 'maxBodyBytes'],
    [{ operatorToken: 'x', registrationToken: 'x' }, 'operatorToken'],
    [{ defaultWatchSeconds: 500 }, 'defaultWatchSeconds'],
  ])('rejects %j naming %s', async (options, name) => {
    const err: unknown = await startSimulator(options).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OptionError);
    expect((err as OptionError).option).toBe(name);
  });

  it('freezes its options', async () => {
    const sim = await start();
    try {
      expect(Object.isFrozen(sim.options)).toBe(true);
      expect(Object.isFrozen(sim.options.faults)).toBe(true);
    } finally {
      await sim.close();
    }
  });

  it('refuses a port that is taken', async () => {
    const a = await start();
    try {
      await expect(startSimulator({ port: a.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await a.close();
    }
  });

  it('answers parked watches and registration waits when closed', async () => {
    // The only worker needs ten minutes per credential: the registration stays Pending.
    const sim = await start({ registrationWorkers: 1, registrationCostMs: 600_000 });
    const r = await call<RegistrationStatus>(sim.url, 'POST', '/api/v1/registrations', { token: REG, body: { clusterName: 'slow', namespace: 'fleet' } });
    // A wait far longer than the test: only close() can answer it.
    const wait = call<RegistrationStatus>(sim.url, 'GET', `/api/v1/registrations/${r.body.id}?waitSeconds=300`, { token: REG });
    await waitFor('the registration wait to park', () => sim.sim.hub.parked === 1);
    await sim.close();
    expect(sim.sim.hub.parked).toBe(0);
    const answered = await wait;
    expect(answered.status).toBe(200);
    expect(answered.body.phase).toBe('Pending');
  });

  it('answers a parked deployment watch when closed', async () => {
    const sim = await start();
    const token = await registerReady(sim.url, 'fleet', 'a');
    const w = call<DeploymentList>(sim.url, 'GET', `${clusterPath('fleet', 'a')}/deployments?watch=1&timeoutSeconds=300`, { token });
    await waitFor('the watch to park', () => sim.sim.hub.parked === 1);
    await sim.close();
    expect(sim.sim.hub.parked).toBe(0);
    const r = await w;
    expect(r.status).toBe(200);
    expect(r.body.items).toEqual([]);
  });
});

// startSimulator itself: options validated (errors name the option), a taken port refused, and
// close() answering parked long polls instead of dropping them.
import { describe, expect, it } from 'vitest';
import type { DeploymentList, RegistrationStatus } from '../../simulator/api';
import { OptionError } from '../../simulator/options';
import { startSimulator } from '../../simulator/server';
import { call, clusterPath, REG, registerReady, start, waitFor } from './helpers';

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
    // The only worker needs a minute per credential: the registration stays Pending.
    const sim = await start({ registrationWorkers: 1, registrationCostMs: 60_000 });
    const r = await call<RegistrationStatus>(sim.url, 'POST', '/api/v1/registrations', { token: REG, body: { clusterName: 'slow', namespace: 'fleet' } });
    const wait = call<RegistrationStatus>(sim.url, 'GET', `/api/v1/registrations/${r.body.id}?waitSeconds=60`, { token: REG });
    await waitFor(() => sim.sim.hub.parked === 1, 2000, 5);
    const t0 = Date.now();
    await sim.close();
    const answered = await wait;
    expect(answered.status).toBe(200);
    expect(answered.body.phase).toBe('Pending');
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('answers a parked deployment watch when closed', async () => {
    const sim = await start();
    const token = await registerReady(sim.url, 'fleet', 'a');
    const w = call<DeploymentList>(sim.url, 'GET', `${clusterPath('fleet', 'a')}/deployments?watch=1&timeoutSeconds=60`, { token });
    await waitFor(() => sim.sim.hub.parked === 1, 2000, 5);
    await sim.close();
    const r = await w;
    expect(r.status).toBe(200);
    expect(r.body.items).toEqual([]);
  });
});

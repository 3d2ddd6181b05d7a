// Before any load: does the target answer, and does it speak the protocol the scenarios use?
import { request } from 'undici';
import { API_VERSION, type InfoResponse } from '../../simulator/api';
import { TargetError } from '../errors';

function reason(err: unknown): string {
  const e = err as { code?: string; cause?: { code?: string; message?: string }; message?: string };
  return e.cause?.code ?? e.code ?? e.cause?.message ?? e.message ?? String(err);
}

export async function checkTarget(url: string, timeoutMs = 5000): Promise<InfoResponse> {
  let res;
  try {
    res = await request(`${url}/api/v1/info`, { method: 'GET', headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  } catch (err) {
    throw new TargetError(`target ${url} is not reachable (${reason(err)}); start it, or leave out --target to use the built-in simulator`);
  }
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new TargetError(`target ${url} answered ${res.statusCode} to GET /api/v1/info; is it a ${API_VERSION} control plane?`);
  let info: Partial<InfoResponse>;
  try {
    info = JSON.parse(text) as Partial<InfoResponse>;
  } catch {
    throw new TargetError(`target ${url} answered GET /api/v1/info with something that is not JSON; is it a ${API_VERSION} control plane?`);
  }
  if (info.apiVersion !== API_VERSION) {
    throw new TargetError(`target ${url} speaks ${JSON.stringify(info.apiVersion)}, not ${API_VERSION}; write a ControlPlane for it (see README: "Your own control plane")`);
  }
  return info as InfoResponse;
}

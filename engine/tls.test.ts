import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { tlsConnectOptions } from './tls';

// Stand-ins for PEM text: the function hands them on and never parses them.
const PEM_A = '-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----\n';
const dir = mkdtempSync(join(tmpdir(), 'fleetload-tls-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tlsConnectOptions', () => {
  it('verifies certificates against the default roots unless told otherwise', () => {
    expect(tlsConnectOptions({}, undefined, {})).toEqual({ rejectUnauthorized: true });
    expect(tlsConnectOptions({ insecureSkipTLSVerify: true }, undefined, {})).toEqual({ rejectUnauthorized: false });
    // Only a true boolean turns verification off, as k6 reads the option.
    expect(tlsConnectOptions({ insecureSkipTLSVerify: 'yes' }, undefined, {}).rejectUnauthorized).toBe(true);
  });

  it('trusts the roots in SSL_CERT_FILE instead of the default ones', () => {
    const file = join(dir, 'roots.pem');
    writeFileSync(file, PEM_A);
    expect(tlsConnectOptions({}, undefined, { SSL_CERT_FILE: file })).toEqual({ ca: [...rootCertificates, PEM_A], rejectUnauthorized: true });
    expect(tlsConnectOptions({}, undefined, { SSL_CERT_FILE: '' }).ca).toBeUndefined();
  });

  it('fails loudly on an SSL_CERT_FILE it cannot read, rather than trusting the defaults', () => {
    expect(() => tlsConnectOptions({}, undefined, { SSL_CERT_FILE: join(dir, 'missing.pem') })).toThrow(/SSL_CERT_FILE=.*missing\.pem cannot be read/);
  });

  it("picks k6's tlsAuth client certificate by the host's name", () => {
    const tlsAuth = [
      { domains: ['api.example.com'], cert: 'cert-api', key: 'key-api' },
      { domains: ['*.fleet.example.com'], cert: 'cert-fleet', key: 'key-fleet' },
      { cert: 'cert-any', key: 'key-any' },
    ];
    const pick = (host?: string): string | undefined => tlsConnectOptions({ tlsAuth }, host, {}).cert;
    expect(pick('api.example.com')).toBe('cert-api');
    expect(pick('API.example.com.')).toBe('cert-api');
    expect(pick('edge-7.fleet.example.com')).toBe('cert-fleet');
    // A wildcard stands for one label only.
    expect(pick('a.b.fleet.example.com')).toBe('cert-any');
    expect(pick('other.test')).toBe('cert-any');
    expect(pick()).toBe('cert-api');
    expect(tlsConnectOptions({ tlsAuth }, 'api.example.com', {}).key).toBe('key-api');
    expect(tlsConnectOptions({ tlsAuth: [{ domains: ['x.test'], cert: 'c', key: 'k' }] }, 'y.test', {}).cert).toBeUndefined();
  });

  it('refuses tlsAuth entries it cannot use', () => {
    expect(() => tlsConnectOptions({ tlsAuth: { cert: 'c', key: 'k' } }, undefined, {})).toThrow(/must be a list/);
    expect(() => tlsConnectOptions({ tlsAuth: [{ domains: [], cert: 'c' }] }, undefined, {})).toThrow(/tlsAuth\[0\] needs cert and key/);
    expect(() => tlsConnectOptions({ tlsAuth: [{ cert: 'c', key: 'k', password: 'p' }] }, undefined, {})).toThrow(/password/);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { tlsConnectOptions, tlsSettings } from './tls';

// Stand-ins for PEM text: the function hands them on and never parses them.
const PEM_A = '-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----\n';
const dir = mkdtempSync(join(tmpdir(), 'fleetload-tls-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tlsSettings', () => {
  it('verifies certificates against the default roots unless told otherwise', () => {
    expect(tlsSettings({}, undefined, {})).toEqual({ rejectUnauthorized: true });
    expect(tlsSettings({ insecureSkipTLSVerify: true }, undefined, {})).toEqual({ rejectUnauthorized: false });
    // Only a true boolean turns verification off, as k6 reads the option.
    expect(tlsSettings({ insecureSkipTLSVerify: 'yes' }, undefined, {}).rejectUnauthorized).toBe(true);
  });

  it('trusts the roots in SSL_CERT_FILE besides the default ones', () => {
    const file = join(dir, 'roots.pem');
    writeFileSync(file, PEM_A);
    expect(tlsSettings({}, undefined, { SSL_CERT_FILE: file })).toEqual({ ca: PEM_A, rejectUnauthorized: true });
    expect(tlsSettings({}, undefined, { SSL_CERT_FILE: '' }).ca).toBeUndefined();
  });

  it('fails loudly on an SSL_CERT_FILE it cannot read, rather than trusting the defaults', () => {
    expect(() => tlsSettings({}, undefined, { SSL_CERT_FILE: join(dir, 'missing.pem') })).toThrow(/SSL_CERT_FILE=.*missing\.pem cannot be read/);
  });

  it("picks k6's tlsAuth client certificate by the host's name", () => {
    const tlsAuth = [
      { domains: ['api.example.com'], cert: 'cert-api', key: 'key-api' },
      { domains: ['*.fleet.example.com'], cert: 'cert-fleet', key: 'key-fleet' },
      { cert: 'cert-any', key: 'key-any' },
    ];
    const pick = (host?: string): string | undefined => tlsSettings({ tlsAuth }, host, {}).cert;
    expect(pick('api.example.com')).toBe('cert-api');
    expect(pick('API.example.com.')).toBe('cert-api');
    expect(pick('edge-7.fleet.example.com')).toBe('cert-fleet');
    // A wildcard stands for one label only.
    expect(pick('a.b.fleet.example.com')).toBe('cert-any');
    expect(pick('other.test')).toBe('cert-any');
    expect(pick()).toBe('cert-api');
    expect(tlsSettings({ tlsAuth }, 'api.example.com', {}).key).toBe('key-api');
    expect(tlsSettings({ tlsAuth: [{ domains: ['x.test'], cert: 'c', key: 'k' }] }, 'y.test', {}).cert).toBeUndefined();
  });

  it('refuses tlsAuth entries it cannot use', () => {
    expect(() => tlsSettings({ tlsAuth: { cert: 'c', key: 'k' } }, undefined, {})).toThrow(/must be a list/);
    expect(() => tlsSettings({ tlsAuth: [{ domains: [], cert: 'c' }] }, undefined, {})).toThrow(/tlsAuth\[0\] needs cert and key/);
    expect(() => tlsSettings({ tlsAuth: [{ cert: 'c', key: 'k', password: 'p' }] }, undefined, {})).toThrow(/password/);
  });
});

describe('tlsConnectOptions', () => {
  it('uses Node\'s default context unless a CA or a client certificate is given', () => {
    expect(tlsConnectOptions({ insecureSkipTLSVerify: true }, 'a.test', {})).toEqual({ rejectUnauthorized: false });
  });

  it('makes one context per set of PEMs and hands the same one to every connection', () => {
    const file = join(dir, 'real-root.pem');
    writeFileSync(file, rootCertificates[0]!);
    const a = tlsConnectOptions({}, 'a.test', { SSL_CERT_FILE: file });
    const b = tlsConnectOptions({}, 'b.test', { SSL_CERT_FILE: file });
    expect(a.secureContext).toBeDefined();
    expect(b.secureContext).toBe(a.secureContext);
    const other = join(dir, 'other-root.pem');
    writeFileSync(other, rootCertificates[1]!);
    expect(tlsConnectOptions({}, 'a.test', { SSL_CERT_FILE: other }).secureContext).not.toBe(a.secureContext);
  });
});

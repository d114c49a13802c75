/** The webhook target policy (SSRF protection) on literal addresses, names and allow-lists; DNS is a stub here. */
import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import {
  parseAllowList,
  TARGET_REFUSED,
  TargetPolicy,
  TargetRefusedError,
  type Resolver,
} from '../../src/services/webhooks/target-policy.js';

const dns: Record<string, string[]> = {
  'hooks.partner.test': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
  'intranet.corp.test': ['10.1.2.3'],
  'mixed.test': ['93.184.216.34', '192.168.1.10'],
  localhost: ['127.0.0.1', '::1'],
};
const resolver: Resolver = async (host) => {
  const found = dns[host];
  if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};
const policy = (allow = '') => new TargetPolicy(parseAllowList(allow).allowList, resolver);

describe('webhook target policy', () => {
  it.each([
    'http://127.0.0.1:6379/',
    'http://127.1.2.3/',
    'http://localhost:27017/',
    'http://LOCALHOST./',
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.8/',
    'http://172.16.5.4/',
    'http://192.168.0.1/',
    'http://100.64.0.1/',
    'http://0.0.0.0/',
    'http://255.255.255.255/',
    'http://224.0.0.1/',
    'http://192.0.2.1/',
    'http://2130706433/',
    'http://0x7f.0.0.1/',
    'http://0177.0.0.1/',
    'http://017700000001/',
    'http://[::1]/',
    'http://[::]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:a9fe:a9fe]/',
    'http://[fc00::1]/',
    'http://[fd12:3456::1]/',
    'http://[fe80::1]/',
    'http://[ff02::1]/',
    'http://[64:ff9b::7f00:1]/',
    'http://[2002:7f00:1::]/',
    'http://intranet.corp.test/',
    'http://mixed.test/',
    'http://no-such-host.test/',
  ])('refuses %s', async (url) => {
    // Through URL first, as the service does: it normalises decimal/octal/hex IPv4 forms.
    expect(await policy().urlProblem(new URL(url).toString())).toBe(TARGET_REFUSED);
  });

  it.each(['https://93.184.216.34/hook', 'https://[2606:2800:220:1:248:1893:25c8:1946]/', 'https://hooks.partner.test/x'])(
    'allows the public %s',
    async (url) => {
      expect(await policy().urlProblem(url)).toBeNull();
    },
  );

  it('allows what VERBATIM_WEBHOOK_ALLOW_HOSTS lists: IPs, CIDRs and host names', async () => {
    const allowed = policy('127.0.0.1, 10.0.0.0/8, fd00::/8, intranet.corp.test, unresolved.corp.test');
    expect(await allowed.urlProblem('http://127.0.0.1:8080/')).toBeNull();
    expect(await allowed.urlProblem('http://[::ffff:127.0.0.1]/')).toBeNull();
    expect(await allowed.urlProblem('http://10.200.0.1/')).toBeNull();
    expect(await allowed.urlProblem('http://[fd12::1]/')).toBeNull();
    expect(await allowed.urlProblem('http://intranet.corp.test/')).toBeNull();
    expect(await allowed.urlProblem('http://unresolved.corp.test/')).toBeNull();
    // Only what is listed: other loopback addresses and private ranges stay refused.
    expect(await allowed.urlProblem('http://127.0.0.2/')).toBe(TARGET_REFUSED);
    expect(await allowed.urlProblem('http://localhost/')).toBe(TARGET_REFUSED);
    expect(await allowed.urlProblem('http://192.168.1.1/')).toBe(TARGET_REFUSED);
  });

  it('reports unparseable allow-list entries', () => {
    expect(parseAllowList('10.0.0.0/33, not a host, 127.0.0.1').problems).toHaveLength(2);
    expect(parseAllowList('').problems).toEqual([]);
  });

  it('lookup connects only to the addresses it checked, so a rebinding DNS answer is refused', async () => {
    // First answer public (passes registration), every later one loopback (the rebinding attack).
    let calls = 0;
    const rebinding = new TargetPolicy(parseAllowList('').allowList, async () => [
      { address: calls++ === 0 ? '93.184.216.34' : '127.0.0.1', family: 4 },
    ]);
    expect(await rebinding.urlProblem('http://rebind.test/')).toBeNull();
    const looked = await new Promise<{ err: NodeJS.ErrnoException | null; address: string | LookupAddress[] }>((resolve) =>
      rebinding.lookup('rebind.test', { all: true }, (err, address) => resolve({ err, address: address as never })),
    );
    expect(looked.err).toBeInstanceOf(TargetRefusedError);

    const good = await new Promise<{ err: unknown; address: unknown }>((resolve) =>
      policy().lookup('hooks.partner.test', { family: 4 }, (err, address) => resolve({ err, address })),
    );
    expect(good).toEqual({ err: null, address: '93.184.216.34' });
  });
});

/**
 * Which hosts webhook deliveries may reach (SSRF protection). By default only public unicast
 * addresses: loopback, private, link-local, unique-local, multicast, unspecified, broadcast,
 * carrier-grade NAT, documentation, IPv4-mapped/translated IPv6 of any of those, and names that
 * do not resolve are refused. VERBATIM_WEBHOOK_ALLOW_HOSTS lists host names, IPs and CIDRs an
 * operator allows anyway (a receiver inside their own network).
 *
 * The same policy is checked when an endpoint is registered or edited, and again at delivery,
 * where `lookup` resolves the host, checks every address and hands exactly those addresses to
 * the socket, so a DNS answer that changes between check and connect (rebinding) cannot slip in.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/** The one message a refused target gets everywhere, so the log never tells why (no port scanning). */
export const TARGET_REFUSED = 'refused: target not allowed';

export class TargetRefusedError extends Error {
  override name = 'TargetRefusedError';
  readonly code = 'ETARGETREFUSED';
  constructor() {
    super(TARGET_REFUSED);
  }
}

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** A parsed VERBATIM_WEBHOOK_ALLOW_HOSTS. */
export interface AllowList {
  hosts: ReadonlySet<string>;
  cidrs: readonly Cidr[];
}

const EMPTY_ALLOW_LIST: AllowList = { hosts: new Set(), cidrs: [] };

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

/** Parses a comma-separated list of host names, IPs and CIDRs; unparseable entries are returned as problems. */
export function parseAllowList(raw: string | undefined | null): { allowList: AllowList; problems: string[] } {
  const hosts = new Set<string>();
  const cidrs: Cidr[] = [];
  const problems: string[] = [];
  for (const entry of (raw ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const bare = entry.replace(/^\[(.*)\]$/, '$1');
    if (bare.includes('/')) {
      try {
        const [address, bits] = ipaddr.parseCIDR(bare);
        cidrs.push(normaliseCidr(address, bits));
      } catch {
        problems.push(`"${entry}" is not a valid CIDR`);
      }
    } else if (ipaddr.isValid(bare)) {
      const address = ipaddr.process(bare);
      cidrs.push([address, address.kind() === 'ipv4' ? 32 : 128]);
    } else if (HOST_NAME.test(normaliseHost(bare))) {
      hosts.add(normaliseHost(bare));
    } else {
      problems.push(`"${entry}" is neither a host name, an IP address nor a CIDR`);
    }
  }
  return { allowList: { hosts, cidrs }, problems };
}

/** An IPv4-mapped IPv6 range (::ffff:10.0.0.0/104) is the IPv4 range it maps. */
function normaliseCidr(address: ipaddr.IPv4 | ipaddr.IPv6, bits: number): Cidr {
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
    return [(address as ipaddr.IPv6).toIPv4Address(), bits - 96];
  }
  return [address, bits];
}

function normaliseHost(host: string): string {
  return host.toLowerCase().replace(/\.$/, '');
}

export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

export class TargetPolicy {
  constructor(
    private readonly allowList: AllowList = EMPTY_ALLOW_LIST,
    private readonly resolve: Resolver = systemResolver,
  ) {}

  /** True for a public unicast address, or one inside an allowed IP/CIDR. */
  addressAllowed(address: string): boolean {
    if (!ipaddr.isValid(address)) return false;
    // process(): ::ffff:127.0.0.1 is judged as 127.0.0.1.
    const parsed = ipaddr.process(address);
    if (this.allowList.cidrs.some(([range, bits]) => range.kind() === parsed.kind() && parsed.match(range, bits))) return true;
    return parsed.range() === 'unicast';
  }

  /** The addresses a delivery to `hostname` may connect to; throws TargetRefusedError otherwise. */
  async addressesFor(hostname: string): Promise<LookupAddress[]> {
    const host = normaliseHost(hostname.replace(/^\[(.*)\]$/, '$1'));
    if (ipaddr.isValid(host)) {
      if (!this.addressAllowed(host)) throw new TargetRefusedError();
      return [{ address: host, family: ipaddr.parse(host).kind() === 'ipv4' ? 4 : 6 }];
    }
    let addresses: LookupAddress[];
    try {
      addresses = await this.resolve(host);
    } catch {
      // Unresolvable: refused, with the same message, so the log does not reveal which names exist.
      throw new TargetRefusedError();
    }
    if (addresses.length === 0) throw new TargetRefusedError();
    if (this.allowList.hosts.has(host)) return addresses;
    // Every address must pass: a client may connect to any of them.
    if (!addresses.every((a) => this.addressAllowed(a.address))) throw new TargetRefusedError();
    return addresses;
  }

  /** Null when deliveries to `url` are allowed, else TARGET_REFUSED (for field-named input errors). */
  async urlProblem(url: string): Promise<string | null> {
    let hostname: string;
    try {
      hostname = new URL(url).hostname;
    } catch {
      return TARGET_REFUSED;
    }
    // An allow-listed name is the operator's call, also while it does not resolve yet.
    if (this.allowList.hosts.has(normaliseHost(hostname))) return null;
    try {
      await this.addressesFor(hostname);
      return null;
    } catch (err) {
      if (err instanceof TargetRefusedError) return TARGET_REFUSED;
      throw err;
    }
  }

  /**
   * A `lookup` for http(s).request: the socket connects only to addresses this policy checked
   * in the same resolution. IP literals never reach it, so `post` checks those first.
   */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    this.addressesFor(hostname).then(
      (addresses) => {
        const wanted = options.family === 4 || options.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses;
        if (wanted.length === 0) return callback(new TargetRefusedError(), '', 0);
        if (options.all) return (callback as unknown as (err: null, all: LookupAddress[]) => void)(null, wanted);
        callback(null, wanted[0].address, wanted[0].family);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };
}

/** The policy of VERBATIM_WEBHOOK_ALLOW_HOSTS (validated by the config already). */
export function targetPolicyFor(allowHosts: string | undefined): TargetPolicy {
  return new TargetPolicy(parseAllowList(allowHosts).allowList);
}

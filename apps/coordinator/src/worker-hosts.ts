// Where the coordinator agrees to send chunk tasks (which carry file paths and lease tokens): to the
// address a registration came from, or to hosts the operator allowed; never to link-local or cloud
// metadata addresses, whatever the allow list says.
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { AppError, escapeControl, isLoopbackHost } from '@loganalyzer/server-kit';

/** Never a worker: link-local (where cloud metadata services live), metadata endpoints, wildcards, multicast. */
const NEVER: Array<[string, number, 'ipv4' | 'ipv6']> = [
  ['169.254.0.0', 16, 'ipv4'],
  ['100.100.100.200', 32, 'ipv4'], // Alibaba Cloud metadata
  ['0.0.0.0', 8, 'ipv4'],
  ['224.0.0.0', 4, 'ipv4'],
  ['255.255.255.255', 32, 'ipv4'],
  ['fe80::', 10, 'ipv6'],
  ['fd00:ec2::254', 128, 'ipv6'], // AWS metadata over IPv6
  ['ff00::', 8, 'ipv6'],
  ['::', 128, 'ipv6'],
];

function forbiddenList(): BlockList {
  const list = new BlockList();
  for (const [address, prefix, family] of NEVER) list.addSubnet(address, prefix, family);
  return list;
}

/** "::ffff:1.2.3.4" → "1.2.3.4"; brackets dropped. */
export function bareAddress(address: string): string {
  return address.replace(/^\[|\]$/g, '').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
}

function family(address: string): 'ipv4' | 'ipv6' {
  return isIP(address) === 6 ? 'ipv6' : 'ipv4';
}

/** Parses --allow-worker-hosts entries ("10.0.0.0/8", "192.168.1.20", "fd00::/8"); throws naming a bad one. */
export function parseAllowList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries.flatMap((e) => e.split(',')).map((e) => e.trim()).filter(Boolean)) {
    const [address, prefixText] = entry.split('/');
    const kind = isIP(address);
    const prefix = prefixText === undefined ? (kind === 6 ? 128 : 32) : Number(prefixText);
    if (kind === 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > (kind === 6 ? 128 : 32)) {
      throw new Error(`--allow-worker-hosts: ${entry} is not an IP address or CIDR range`);
    }
    list.addSubnet(address, prefix, kind === 6 ? 'ipv6' : 'ipv4');
  }
  return list;
}

export class WorkerHostPolicy {
  private readonly never = forbiddenList();

  constructor(private readonly allowed: BlockList = new BlockList()) {}

  /**
   * The host to call the worker at, after checking it: the registration's own `host` when it resolves
   * only to the request's source address (loopback counts as one address) or to allowed addresses;
   * the source address when no host was given. Throws host_not_allowed naming the host.
   */
  async check(requestedHost: string | undefined, sourceAddress: string): Promise<string> {
    const source = bareAddress(sourceAddress);
    const host = requestedHost === undefined ? source : bareAddress(requestedHost);
    const addresses = isIP(host) !== 0 ? [host] : await this.resolve(host);
    for (const address of addresses) {
      const bare = bareAddress(address);
      if (this.never.check(bare, family(bare))) throw this.refuse(host, `${bare} is a link-local, metadata or wildcard address`);
      const fromSource = bare === source || (isLoopbackHost(bare) && isLoopbackHost(source));
      if (!fromSource && !this.allowed.check(bare, family(bare))) {
        throw this.refuse(host, `it is not the address the registration came from (${source}), and --allow-worker-hosts does not include ${bare}`);
      }
    }
    return host;
  }

  private async resolve(host: string): Promise<string[]> {
    try {
      return (await lookup(host, { all: true })).map((a) => a.address);
    } catch (err) {
      throw this.refuse(host, `it does not resolve (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }

  private refuse(host: string, why: string): AppError {
    return new AppError('host_not_allowed', `worker host ${escapeControl(host.slice(0, 253))} refused: ${why}`);
  }
}

// Where the coordinator will send chunk tasks: the registration's own address, allowed ranges, and
// never link-local or metadata addresses.
import { AppError } from '@loganalyzer/server-kit';
import { parseAllowList, WorkerHostPolicy } from '../src/worker-hosts';

async function refusal(policy: WorkerHostPolicy, host: string | undefined, source: string): Promise<string> {
  try {
    await policy.check(host, source);
  } catch (err) {
    if (err instanceof AppError) return `${err.code}: ${err.message}`;
    throw err;
  }
  return 'accepted';
}

it('takes the address a registration came from when it names no host, without the IPv4-mapped prefix', async () => {
  await expect(new WorkerHostPolicy().check(undefined, '::ffff:10.1.2.3')).resolves.toBe('10.1.2.3');
});

it('accepts a host that is the source address, or any loopback name for a loopback source', async () => {
  const policy = new WorkerHostPolicy();
  await expect(policy.check('10.1.2.3', '10.1.2.3')).resolves.toBe('10.1.2.3');
  await expect(policy.check('localhost', '127.0.0.1')).resolves.toBe('localhost');
  await expect(policy.check('::1', '::ffff:127.0.0.1')).resolves.toBe('::1');
});

it('refuses a host other than the source address unless --allow-worker-hosts covers it', async () => {
  expect(await refusal(new WorkerHostPolicy(), '10.9.9.9', '10.1.2.3')).toBe(
    'host_not_allowed: worker host 10.9.9.9 refused: it is not the address the registration came from (10.1.2.3), and --allow-worker-hosts does not include 10.9.9.9',
  );
  const allowed = new WorkerHostPolicy(parseAllowList(['10.9.0.0/16', 'fd00::/8']));
  await expect(allowed.check('10.9.9.9', '10.1.2.3')).resolves.toBe('10.9.9.9');
  await expect(allowed.check('fd00::5', '10.1.2.3')).resolves.toBe('fd00::5');
  expect(await refusal(allowed, '10.10.0.1', '10.1.2.3')).toMatch(/^host_not_allowed: /);
});

it('refuses cloud metadata and link-local hosts even when the allow list covers everything', async () => {
  const everything = new WorkerHostPolicy(parseAllowList(['0.0.0.0/0', '::/0']));
  const refused = await Promise.all(['169.254.169.254', '169.254.1.1', 'fe80::1', 'fd00:ec2::254', '100.100.100.200', '0.0.0.0', '224.0.0.1'].map((h) => refusal(everything, h, '10.1.2.3')));

  expect(refused.map((r) => r.split(': ')[0])).toStrictEqual(Array(7).fill('host_not_allowed'));
  expect(refused[0]).toBe('host_not_allowed: worker host 169.254.169.254 refused: 169.254.169.254 is a link-local, metadata or wildcard address');
  // A worker registering from a link-local address of its own is refused too.
  expect(await refusal(new WorkerHostPolicy(), undefined, '169.254.169.254')).toMatch(/link-local, metadata/);
});

it('refuses a host name that does not resolve, naming it', async () => {
  expect(await refusal(new WorkerHostPolicy(), 'no-such-host.invalid', '127.0.0.1')).toMatch(/^host_not_allowed: worker host no-such-host\.invalid refused: it does not resolve \(/);
});

it('rejects an allow-list entry that is not an address or CIDR range, naming it', () => {
  expect(() => parseAllowList(['10.0.0.0/33'])).toThrow('--allow-worker-hosts: 10.0.0.0/33 is not an IP address or CIDR range');
  expect(() => parseAllowList(['example.com'])).toThrow('--allow-worker-hosts: example.com is not an IP address or CIDR range');
  expect(parseAllowList(['10.0.0.0/8,192.168.1.5']).check('192.168.1.5')).toBe(true);
});

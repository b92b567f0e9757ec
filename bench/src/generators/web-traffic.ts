// Made-up web traffic with the shape of the real thing: a few busy clients and paths and a long tail,
// mostly GETs and 2xx, some redirects, 4xx and 5xx, bots, and latencies with a long tail.
import { Random } from '../random';

export interface WebRequest {
  client: string;
  user: string;
  method: string;
  /** Path with any query string. */
  target: string;
  protocol: string;
  status: number;
  bytes: number;
  referer: string;
  userAgent: string;
  latencyMs: number;
}

const METHODS = [['GET', 80], ['POST', 12], ['HEAD', 3], ['PUT', 2], ['DELETE', 2], ['PATCH', 0.5], ['OPTIONS', 0.5]] as const;
const PROTOCOLS = [['HTTP/1.1', 85], ['HTTP/2.0', 13], ['HTTP/1.0', 2]] as const;
const STATUSES = [
  [200, 78], [201, 2], [204, 1], [301, 1.5], [302, 2.5], [304, 6], [400, 1], [401, 1], [403, 0.7],
  [404, 4], [429, 0.3], [500, 1], [502, 0.8], [503, 0.5], [504, 0.2],
] as const;
const USERS = ['alice', 'bob', 'carol', 'deploy', 'svc-backup'];
const WORDS = ['shoes', 'laptop', 'coffee', 'garden+chair', 'usb-c', 'winter%20coat', 'm%C3%BCsli', 'gift'];
const SLUGS = ['red-running-shoes', 'espresso-machine-pro', 'oak-desk', 'noise-cancelling-headphones', 'travel-mug'];
const REFERERS = ['https://www.google.com/', 'https://www.example.com/', 'https://www.example.com/products/oak-desk', 'https://t.co/x1Y2z3', 'android-app://com.google.android.gm/'];
const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
  'curl/8.5.0',
  'python-requests/2.31.0',
  'Go-http-client/1.1',
  'kube-probe/1.29',
  'Mozilla/5.0 (a "quoted" agent)',
];

export interface WebTrafficShape {
  /** Clients in the pool (default 20,000). */
  clients?: number;
  /**
   * Every client and path about as likely as the next (default false: a few busy ones and a long
   * tail): hundreds of thousands of distinct paths, the worst case for top tables.
   */
  flat?: boolean;
  /** The share of requests that take 1 to 20 minutes (downloads, long polls); default 0. */
  longRequests?: number;
}

export class WebTraffic {
  private readonly clients: string[];
  private readonly flat: boolean;
  private readonly longRequests: number;

  constructor(private readonly random: Random, shape: WebTrafficShape = {}) {
    this.clients = Array.from({ length: shape.clients ?? 20_000 }, () => this.randomAddress());
    this.flat = shape.flat ?? false;
    this.longRequests = shape.longRequests ?? 0;
  }

  /** An index into a pool of `size`: skewed toward the first, or uniform for flat traffic. */
  private index(size: number): number {
    return this.flat ? this.random.int(0, size - 1) : this.random.skewed(size);
  }

  private randomAddress(): string {
    const r = this.random;
    if (r.chance(0.05)) return `2001:db8:${r.int(0, 0xffff).toString(16)}::${r.int(1, 0xffff).toString(16)}`;
    return `${r.pick([10, 34, 66, 81, 151, 185, 203])}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`;
  }

  private randomTarget(): string {
    const r = this.random;
    if (this.flat) return r.chance(0.5) ? `/api/v1/items/${r.int(1, 1_000_000)}` : `/u/${r.int(1, 200_000)}/feed?page=${r.int(1, 5)}`;
    switch (r.skewed(12)) {
      case 0: return `/api/v1/users/${r.int(1, 50_000)}`;
      case 1: return `/api/v1/orders/${r.int(100_000, 999_999)}/items`;
      case 2: return '/';
      case 3: return `/static/js/app.${r.int(0, 0xffffff).toString(16)}.js`;
      case 4: return `/search?q=${r.pick(WORDS)}&page=${r.int(1, 20)}`;
      case 5: return `/products/${r.pick(SLUGS)}`;
      case 6: return '/health';
      case 7: return `/images/${r.int(1, 9_999)}.png`;
      case 8: return '/login';
      case 9: return '/favicon.ico';
      case 10: return `/api/v2/reports/${r.int(1, 500)}?from=2024-01-01&to=2024-01-31&format=csv`;
      default: return `/blog/${r.int(2015, 2024)}/${r.int(1, 12)}/post-${r.int(1, 400)}`;
    }
  }

  next(): WebRequest {
    const r = this.random;
    const method = r.weighted(METHODS);
    const status = r.weighted(STATUSES);
    const noBody = method === 'HEAD' || status === 204 || status === 304;
    return {
      client: this.clients[this.index(this.clients.length)],
      user: r.chance(0.03) ? r.pick(USERS) : '-',
      method,
      target: this.randomTarget(),
      protocol: r.weighted(PROTOCOLS),
      status,
      bytes: noBody ? 0 : Math.floor(r.latencyMs(12)) + 120,
      referer: r.chance(0.6) ? '-' : r.pick(REFERERS),
      userAgent: USER_AGENTS[r.skewed(USER_AGENTS.length)],
      latencyMs: this.longRequests > 0 && r.chance(this.longRequests) ? r.int(60_000, 1_200_000) : status >= 500 ? 1000 + r.latencyMs(9) : r.latencyMs(),
    };
  }
}

/**
 * The operator's allow-list for `weft.http`, and what counts as a public address.
 *
 * A rule names what a URL's host and port may be:
 *   `api.example.com`      that host, on the URL scheme's default port only (80 for http, 443 for https)
 *   `api.example.com:8443` that host on port 8443; `api.example.com:*` on any port
 *   `*.example.com`        any name under example.com (not example.com itself); ports as above
 *   `*`                    any host (`*:*` any host and port)
 *   `10.1.2.3`, `10.0.0.0/8`, `::1`, `fc00::/7`, `[::1]:8080`, `[fc00::/7]:*`  an address or a range
 *
 * A URL passes when a rule covers its host and port, and then every address its host resolves to is
 * public, or the operator vouched for it: by naming the host exactly (`payments.internal`), or with an
 * address rule covering the address on that port. Wildcards (`*`, `*.example.com`) never reach loopback,
 * private, link-local (cloud metadata), shared (CGNAT), unique-local, multicast or reserved addresses.
 */
import { isIPv4, isIPv6 } from 'node:net';

/** Where an address belongs; only `public` is reachable without the operator naming it. */
export type AddressKind =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'shared'
  | 'unique-local'
  | 'unspecified'
  | 'multicast'
  | 'reserved';

const KIND_TEXT: Record<AddressKind, string> = {
  public: 'a public address',
  loopback: 'a loopback address',
  private: 'a private address',
  'link-local': 'a link-local address (where cloud metadata services live)',
  shared: 'a shared (carrier-grade NAT) address',
  'unique-local': 'a unique-local IPv6 address',
  unspecified: 'an unspecified ("this host") address',
  multicast: 'a multicast address',
  reserved: 'a reserved or special-purpose address',
};

/**
 * An address as bytes: 4 for IPv4, 16 for IPv6. IPv4-mapped IPv6 (`::ffff:127.0.0.1`) becomes the IPv4
 * address it stands for, so it is classified and matched as that address. Zone ids (`%eth0`) are dropped.
 */
export function parseIp(text: string): Uint8Array | undefined {
  let s = text.trim();
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (isIPv4(s)) return Uint8Array.from(s.split('.').map(Number));
  if (!isIPv6(s)) return undefined;
  const bytes = parseIpv6(s);
  if (!bytes) return undefined;
  const mapped = bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped ? bytes.slice(12) : bytes;
}

function parseIpv6(s: string): Uint8Array | undefined {
  const groups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const pieces = part.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i];
      if (piece.includes('.')) {
        if (i !== pieces.length - 1 || !isIPv4(piece)) return undefined;
        const [a, b, c, d] = piece.split('.').map(Number);
        out.push((a << 8) | b, (c << 8) | d);
      } else {
        if (!/^[0-9a-f]{1,4}$/i.test(piece)) return undefined;
        out.push(parseInt(piece, 16));
      }
    }
    return out;
  };
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...new Array<number>(missing).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  all.forEach((g, i) => {
    bytes[2 * i] = g >> 8;
    bytes[2 * i + 1] = g & 0xff;
  });
  return bytes;
}

/** Text for an address in bytes (IPv6 uncompressed but without leading zeros; enough for messages). */
export function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  return groups.join(':');
}

/** A network: the address bytes and how many leading bits must match. */
export interface Cidr {
  bytes: Uint8Array;
  prefix: number;
}

export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  const rawPrefix = slash >= 0 ? text.slice(slash + 1) : undefined;
  const address = slash >= 0 ? text.slice(0, slash) : text;
  const raw = parseIp(address);
  if (!raw) return undefined;
  // Whether an IPv6 text stood for an IPv4-mapped address: its prefix counts the 96 mapping bits.
  const wasMapped = raw.length === 4 && !isIPv4(address.replace(/^\[|\]$/g, ''));
  const width = raw.length * 8;
  let prefix = width;
  if (rawPrefix !== undefined) {
    if (!/^\d{1,3}$/.test(rawPrefix)) return undefined;
    prefix = Number(rawPrefix) - (wasMapped ? 96 : 0);
    if (prefix < 0 || prefix > width) return undefined;
  }
  return { bytes: raw, prefix };
}

export function inCidr(bytes: Uint8Array, cidr: Cidr): boolean {
  if (bytes.length !== cidr.bytes.length) return false;
  let bits = cidr.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((bytes[i] & mask) !== (cidr.bytes[i] & mask)) return false;
  }
  return true;
}

const table = (rows: Array<[string, AddressKind]>) => rows.map(([text, kind]) => ({ cidr: parseCidr(text)!, kind }));

// RFC 6890 and the IANA special-purpose registries; anything listed is not public.
const IPV4 = table([
  ['0.0.0.0/8', 'unspecified'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'shared'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'reserved'],
  ['192.0.2.0/24', 'reserved'],
  ['192.88.99.0/24', 'reserved'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'reserved'],
  ['198.51.100.0/24', 'reserved'],
  ['203.0.113.0/24', 'reserved'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'],
]);

const IPV6 = table([
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['::/8', 'reserved'], // IPv4-compatible and other reserved forms (IPv4-mapped is turned into IPv4 first)
  ['64:ff9b:1::/48', 'private'], // local-use NAT64
  ['100::/64', 'reserved'], // discard-only
  ['2001::/23', 'reserved'], // IETF protocol assignments, Teredo among them
  ['2001:db8::/32', 'reserved'],
  ['3fff::/20', 'reserved'],
  ['5f00::/16', 'reserved'],
  ['fc00::/7', 'unique-local'],
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'private'], // site-local, deprecated
  ['ff00::/8', 'multicast'],
]);
const NAT64 = parseCidr('64:ff9b::/96')!;
const SIX_TO_FOUR = parseCidr('2002::/16')!;
const GLOBAL_UNICAST = parseCidr('2000::/3')!;

/** Classifies an address given as text or bytes; text that is not an address is `reserved` (never public). */
export function classifyAddress(address: string | Uint8Array): AddressKind {
  const bytes = typeof address === 'string' ? parseIp(address) : address;
  if (!bytes) return 'reserved';
  if (bytes.length === 4) return IPV4.find((row) => inCidr(bytes, row.cidr))?.kind ?? 'public';
  // Addresses that carry an IPv4 address reach that address: they are what it is.
  if (inCidr(bytes, NAT64)) return classifyAddress(bytes.slice(12));
  if (inCidr(bytes, SIX_TO_FOUR)) return classifyAddress(bytes.slice(2, 6));
  const listed = IPV6.find((row) => inCidr(bytes, row.cidr))?.kind;
  if (listed) return listed;
  return inCidr(bytes, GLOBAL_UNICAST) ? 'public' : 'reserved';
}

export function describeKind(kind: AddressKind): string {
  return KIND_TEXT[kind];
}

/** A rule's port: the URL scheme's default port only, any port, or one port. */
export type RulePort = 'default' | '*' | number;

export type AllowRule = { text: string; port: RulePort } & (
  | { kind: 'any' }
  | { kind: 'suffix'; suffix: string }
  | { kind: 'host'; host: string }
  | { kind: 'address'; cidr: Cidr }
);

/** Thrown for a rule that cannot be read; the message is one sentence naming it. */
export class AllowRuleError extends Error {}

/** Hostnames as the URL parser writes them (lower case, punycode, IPv4 shorthands expanded), no final dot. */
function normalizeHost(host: string): string | undefined {
  try {
    const parsed = new URL(`http://${host}/`);
    if (parsed.username || parsed.password || parsed.port || parsed.pathname !== '/' || parsed.search || parsed.hash)
      return undefined;
    return parsed.hostname.replace(/\.$/, '');
  } catch {
    return undefined;
  }
}

export function parseAllowRule(input: string): AllowRule {
  const text = input.trim().toLowerCase();
  const fail = (why: string): never => {
    throw new AllowRuleError(
      `The weft.http allow rule "${input}" ${why}; rules look like api.example.com, api.example.com:8443, ` +
        `*.example.com, *, 10.0.0.0/8, [::1]:8080 (":*" for any port).`,
    );
  };
  if (!text) fail('is empty');
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(text)) fail('is a URL (write only its host and :port)');
  let hostPart: string;
  let portPart: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) fail('opens a bracket it does not close');
    hostPart = text.slice(1, close);
    const rest = text.slice(close + 1);
    if (rest && !rest.startsWith(':')) fail('has text after the bracketed address that is not ":port"');
    portPart = rest ? rest.slice(1) : undefined;
  } else if ((text.match(/:/g) ?? []).length > 1) {
    hostPart = text; // a bare IPv6 address or range: no port (write [addr]:port for one)
  } else {
    const colon = text.indexOf(':');
    hostPart = colon >= 0 ? text.slice(0, colon) : text;
    portPart = colon >= 0 ? text.slice(colon + 1) : undefined;
  }
  let port: RulePort = 'default';
  if (portPart !== undefined) {
    if (portPart === '*') port = '*';
    else if (/^\d{1,5}$/.test(portPart) && Number(portPart) >= 1 && Number(portPart) <= 65535) port = Number(portPart);
    else fail(`has "${portPart}" where a port (1-65535) or * belongs`);
  }
  if (hostPart === '*') return { text, port, kind: 'any' };
  if (hostPart.includes('/') || parseIp(hostPart)) {
    if (!parseIp(hostPart.split('/')[0]))
      fail('has a "/" after something that is not an address (rules name hosts, not paths)');
    const cidr = parseCidr(hostPart);
    if (!cidr) fail('is not a valid address or address/prefix range');
    return { text, port, kind: 'address', cidr: cidr! };
  }
  if (hostPart.startsWith('*.')) {
    const domain = normalizeHost(hostPart.slice(2));
    if (!domain || parseIp(domain)) fail('has a wildcard that is not followed by a domain name');
    return { text, port, kind: 'suffix', suffix: `.${domain}` };
  }
  if (hostPart.includes('*')) fail('has a "*" that is not a whole label at the start');
  const host = normalizeHost(hostPart);
  if (!host) fail('is not a valid host name');
  const asIp = parseCidr(host!);
  if (asIp) return { text, port, kind: 'address', cidr: asIp }; // e.g. "127.1", which the URL parser reads as 127.0.0.1
  return { text, port, kind: 'host', host: host! };
}

/** Parses every rule; throws AllowRuleError naming the first that cannot be read. */
export function parseAllowRules(list: readonly string[]): AllowRule[] {
  return list
    .map((s) => s.trim())
    .filter(Boolean)
    .map(parseAllowRule);
}

/** The host and port a URL connects to, as the rules see them. */
export interface Target {
  /** Host name without a final dot, or an address without brackets. */
  host: string;
  /** The host's bytes when the URL names an address. */
  ip?: Uint8Array;
  port: number;
  /** Whether the URL left the port to its scheme (http 80, https 443). */
  defaultPort: boolean;
}

export function targetOf(url: URL): Target {
  const host = url.hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  const defaultPort = url.port === '';
  const port = defaultPort ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  return { host, ip: parseIp(host), port, defaultPort };
}

function portCovered(rule: AllowRule, target: Target): boolean {
  if (rule.port === '*') return true;
  if (rule.port === 'default') return target.defaultPort;
  return rule.port === target.port;
}

/** The rules covering the URL's host and port (empty: the URL is not allowed). */
export function rulesForHost(rules: readonly AllowRule[], target: Target): AllowRule[] {
  return rules.filter((rule) => {
    if (!portCovered(rule, target)) return false;
    switch (rule.kind) {
      case 'any':
        return true;
      case 'suffix':
        return !target.ip && target.host.endsWith(rule.suffix);
      case 'host':
        return !target.ip && target.host === rule.host;
      case 'address':
        return !!target.ip && inCidr(target.ip, rule.cidr);
    }
  });
}

/** Why an address the host resolved to may not be reached, or undefined when it may. */
export function addressRefusal(
  rules: readonly AllowRule[],
  hostRules: readonly AllowRule[],
  target: Target,
  address: string,
): { kind: AddressKind; address: string } | undefined {
  const bytes = parseIp(address);
  const kind = bytes ? classifyAddress(bytes) : 'reserved';
  if (kind === 'public') return undefined;
  if (hostRules.some((rule) => rule.kind === 'host')) return undefined; // the operator named this host exactly
  if (bytes && rules.some((rule) => rule.kind === 'address' && portCovered(rule, target) && inCidr(bytes, rule.cidr)))
    return undefined;
  const mapped = bytes?.length === 4 && !isIPv4(address);
  return { kind, address: mapped ? `${address} (${formatIp(bytes!)})` : address };
}

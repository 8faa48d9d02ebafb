/**
 * The weft.http allow-list: rule parsing and address classification (address-rules.ts), then the activity
 * itself against a real HTTP server on loopback. Offline: the only names resolved are `localhost` (by the
 * system) and names the tests resolve themselves; no connection goes anywhere but 127.0.0.0/8.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { asyncLocalStorage, Context, type Info } from '@temporalio/activity';
import { ApplicationFailure, noopMetricMeter, type Logger } from '@temporalio/common';
import {
  addressRefusal,
  AllowRuleError,
  classifyAddress,
  describeKind,
  formatIp,
  inCidr,
  parseAllowRule,
  parseAllowRules,
  parseCidr,
  parseIp,
  rulesForHost,
  targetOf,
  type AddressKind,
} from '../../src/activities/address-rules';
import {
  createHttpActivity,
  hostAllowed,
  parseAllowList,
  type HttpInput,
  type HttpPolicy,
  type ResolvedAddress,
} from '../../src/activities/http';
import { WeftSetupError } from '../../src/errors';

describe('parseIp and formatIp', () => {
  it('reads IPv4 and IPv6, brackets and zone ids, and turns IPv4-mapped IPv6 into IPv4', () => {
    expect(Array.from(parseIp('127.0.0.1')!)).toEqual([127, 0, 0, 1]);
    expect(parseIp('::1')!.length).toBe(16);
    expect(formatIp(parseIp('[2001:db8::1]')!)).toBe('2001:db8:0:0:0:0:0:1');
    expect(formatIp(parseIp('fe80::1%eth0')!)).toBe('fe80:0:0:0:0:0:0:1');
    expect(Array.from(parseIp('::ffff:127.0.0.1')!)).toEqual([127, 0, 0, 1]);
    expect(Array.from(parseIp('::ffff:7f00:1')!)).toEqual([127, 0, 0, 1]);
  });

  it('refuses what is not an address', () => {
    for (const text of [
      '',
      'localhost',
      '127.1',
      '256.0.0.1',
      '1.2.3',
      '::1::2',
      'gggg::1',
      '1:2:3:4:5:6:7:8:9',
      '01.2.3.4',
    ]) {
      expect({ text, parsed: parseIp(text) }).toEqual({ text, parsed: undefined });
    }
  });
});

describe('parseCidr and inCidr', () => {
  it('matches addresses by prefix', () => {
    const ten = parseCidr('10.0.0.0/8')!;
    expect(inCidr(parseIp('10.255.1.2')!, ten)).toBe(true);
    expect(inCidr(parseIp('11.0.0.1')!, ten)).toBe(false);
    expect(inCidr(parseIp('::ffff:10.1.1.1')!, ten)).toBe(true); // mapped IPv6 is the IPv4 address
    expect(inCidr(parseIp('fd00::1')!, ten)).toBe(false); // families never mix
    expect(inCidr(parseIp('172.31.255.255')!, parseCidr('172.16.0.0/12')!)).toBe(true);
    expect(inCidr(parseIp('172.32.0.0')!, parseCidr('172.16.0.0/12')!)).toBe(false);
    expect(inCidr(parseIp('fdff::1')!, parseCidr('fc00::/7')!)).toBe(true);
    expect(inCidr(parseIp('1.2.3.4')!, parseCidr('1.2.3.4')!)).toBe(true);
    expect(inCidr(parseIp('1.2.3.5')!, parseCidr('1.2.3.4')!)).toBe(false);
    expect(parseCidr('::ffff:10.0.0.0/104')).toEqual(parseCidr('10.0.0.0/8')); // the mapping's 96 bits count
  });

  it('refuses bad prefixes', () => {
    for (const text of [
      '10.0.0.0/33',
      '10.0.0.0/-1',
      '10.0.0.0/',
      '10.0.0.0/8/8',
      '::/129',
      'example.com/8',
      '10.0.0.0/x',
    ]) {
      expect({ text, cidr: parseCidr(text) }).toEqual({ text, cidr: undefined });
    }
  });
});

describe('classifyAddress', () => {
  const cases: Array<[string, AddressKind]> = [
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['[::ffff:7f00:1]', 'loopback'],
    ['64:ff9b::127.0.0.1', 'loopback'], // NAT64 reaches the IPv4 address it carries
    ['2002:7f00:1::', 'loopback'], // so does 6to4
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['::ffff:192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['100.64.0.1', 'shared'],
    ['100.127.255.255', 'shared'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['::127.0.0.1', 'reserved'], // IPv4-compatible, deprecated
    ['not an address', 'reserved'],
    ['8.8.8.8', 'public'],
    ['1.1.1.1', 'public'],
    ['172.32.0.1', 'public'],
    ['100.128.0.1', 'public'],
    ['2001:4860::8888', 'public'],
    ['2001:4860:4860::8888', 'public'],
    ['::ffff:8.8.8.8', 'public'],
  ];
  it.each(cases)('%s is %s', (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });

  it('describes each kind in words', () => {
    expect(describeKind('loopback')).toBe('a loopback address');
    expect(describeKind('link-local')).toContain('cloud metadata');
  });
});

describe('parseAllowRule', () => {
  it('reads hosts, wildcards, addresses and ranges, with and without ports', () => {
    expect(parseAllowRule('API.Example.com')).toEqual({
      text: 'api.example.com',
      port: 'default',
      kind: 'host',
      host: 'api.example.com',
    });
    expect(parseAllowRule('api.example.com:8443')).toMatchObject({ kind: 'host', host: 'api.example.com', port: 8443 });
    expect(parseAllowRule('api.example.com:*')).toMatchObject({ kind: 'host', port: '*' });
    expect(parseAllowRule('*.example.com')).toMatchObject({ kind: 'suffix', suffix: '.example.com', port: 'default' });
    expect(parseAllowRule('*')).toMatchObject({ kind: 'any', port: 'default' });
    expect(parseAllowRule('*:*')).toMatchObject({ kind: 'any', port: '*' });
    expect(parseAllowRule('*:8080')).toMatchObject({ kind: 'any', port: 8080 });
    expect(parseAllowRule('10.1.2.3')).toMatchObject({ kind: 'address', port: 'default', cidr: { prefix: 32 } });
    expect(parseAllowRule('10.0.0.0/8:*')).toMatchObject({ kind: 'address', port: '*', cidr: { prefix: 8 } });
    expect(parseAllowRule('::1')).toMatchObject({ kind: 'address', port: 'default', cidr: { prefix: 128 } });
    expect(parseAllowRule('fc00::/7')).toMatchObject({ kind: 'address', port: 'default', cidr: { prefix: 7 } });
    expect(parseAllowRule('[::1]:8080')).toMatchObject({ kind: 'address', port: 8080 });
    expect(parseAllowRule('[fc00::/7]:*')).toMatchObject({ kind: 'address', port: '*', cidr: { prefix: 7 } });
    expect(parseAllowRule('127.1')).toMatchObject({
      kind: 'address',
      cidr: { bytes: Uint8Array.from([127, 0, 0, 1]) },
    }); // as the URL parser reads it
    expect(parseAllowRule('bücher.example')).toMatchObject({ kind: 'host', host: 'xn--bcher-kva.example' });
    expect(parseAllowRule('  example.com.  ')).toMatchObject({ kind: 'host', host: 'example.com' });
  });

  it('refuses bad rules with one sentence that names the rule and shows the grammar', () => {
    const cases: Array<[string, string]> = [
      ['', 'is empty'],
      ['api.example.com:0', 'has "0" where a port (1-65535) or * belongs'],
      ['api.example.com:65536', 'has "65536" where a port'],
      ['api.example.com:http', 'has "http" where a port'],
      ['http://api.example.com', 'is a URL (write only its host and :port)'],
      ['https://api.example.com:8443/v1', 'is a URL (write only its host and :port)'],
      ['[::1', 'opens a bracket it does not close'],
      ['[::1]8080', 'has text after the bracketed address that is not ":port"'],
      ['10.0.0.0/33', 'is not a valid address or address/prefix range'],
      ['api.example.com/path', 'has a "/" after something that is not an address (rules name hosts, not paths)'],
      ['10.0.0.0/8/8', 'is not a valid address or address/prefix range'],
      ['*.10.0.0.1', 'has a wildcard that is not followed by a domain name'],
      ['*.', 'has a wildcard that is not followed by a domain name'],
      ['api.*.com', 'has a "*" that is not a whole label at the start'],
      ['*example.com', 'has a "*" that is not a whole label at the start'],
      ['exa mple.com', 'is not a valid host name'],
      ['user@example.com', 'is not a valid host name'],
    ];
    for (const [rule, why] of cases) {
      let error: unknown;
      try {
        parseAllowRule(rule);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(AllowRuleError);
      const message = (error as Error).message;
      expect(message).toContain(`The weft.http allow rule "${rule}" ${why}`);
      expect(message).toContain(
        'rules look like api.example.com, api.example.com:8443, *.example.com, *, 10.0.0.0/8, [::1]:8080',
      );
      expect(message.endsWith('.')).toBe(true);
      expect(message.split('; ').length).toBe(2); // one sentence: why, then the grammar
    }
  });

  it('parseAllowRules skips empty entries and throws on the first bad one', () => {
    expect(parseAllowRules([' ', 'a.example', '', '*.b.example']).map((r) => r.text)).toEqual([
      'a.example',
      '*.b.example',
    ]);
    expect(() => parseAllowRules(['a.example', 'b.example:x', 'c.example:y'])).toThrow(
      'The weft.http allow rule "b.example:x"',
    );
  });
});

describe('rulesForHost and addressRefusal', () => {
  const covers = (rules: string[], url: string) =>
    rulesForHost(parseAllowRules(rules), targetOf(new URL(url))).length > 0;

  it('a rule without a port allows only the default port of the URL scheme', () => {
    expect(covers(['api.example.com'], 'https://api.example.com/')).toBe(true);
    expect(covers(['api.example.com'], 'http://api.example.com/')).toBe(true);
    expect(covers(['api.example.com'], 'http://api.example.com:80/')).toBe(true); // the URL parser drops a default port
    expect(covers(['api.example.com'], 'https://api.example.com:8443/')).toBe(false);
    expect(covers(['api.example.com'], 'http://api.example.com:443/')).toBe(false); // 443 is not http's default
    expect(covers(['api.example.com:8443'], 'https://api.example.com:8443/')).toBe(true);
    expect(covers(['api.example.com:8443'], 'https://api.example.com/')).toBe(false);
    expect(covers(['api.example.com:*'], 'https://api.example.com:1/')).toBe(true);
    expect(covers(['*'], 'https://anything.example/')).toBe(true);
    expect(covers(['*'], 'https://anything.example:8443/')).toBe(false);
    expect(covers(['*:*'], 'https://anything.example:8443/')).toBe(true);
    expect(covers(['127.0.0.1'], 'http://127.0.0.1:8080/')).toBe(false);
    expect(covers(['127.0.0.1:8080'], 'http://127.0.0.1:8080/')).toBe(true);
  });

  it('wildcards cover names under a domain, not the domain itself nor look-alikes', () => {
    expect(covers(['*.example.com'], 'https://a.b.example.com/')).toBe(true);
    expect(covers(['*.example.com'], 'https://example.com/')).toBe(false);
    expect(covers(['*.example.com'], 'https://badexample.com/')).toBe(false);
    expect(covers(['*.example.com'], 'https://example.com.evil.example/')).toBe(false);
    expect(covers(['api.example.com'], 'https://API.EXAMPLE.COM./')).toBe(true);
  });

  it('names match names and addresses match addresses, however the URL writes them', () => {
    expect(covers(['localhost:*'], 'http://127.0.0.1:8080/')).toBe(false);
    expect(covers(['127.0.0.1:*'], 'http://localhost:8080/')).toBe(false); // the name is checked after it resolves
    expect(covers(['127.0.0.0/8:*'], 'http://2130706433:8080/')).toBe(true); // 127.0.0.1 as one number
    expect(covers(['127.0.0.0/8:*'], 'http://0x7f.1:8080/')).toBe(true);
    expect(covers(['127.0.0.0/8:*'], 'http://[::ffff:127.0.0.1]:8080/')).toBe(true);
    expect(covers(['[::1]:8080'], 'http://[::1]:8080/')).toBe(true);
    expect(covers(['::1'], 'http://[::1]:8080/')).toBe(false);
  });

  it('hostAllowed and parseAllowList read the environment form', () => {
    expect(parseAllowList(' API.example.com, ,*.corp.example ')).toEqual(['api.example.com', '*.corp.example']);
    expect(parseAllowList(undefined)).toEqual([]);
    expect(hostAllowed(new URL('https://x.corp.example/'), ['*.corp.example'])).toBe(true);
    expect(hostAllowed(new URL('https://x.corp.example/'), [])).toBe(false);
  });

  const refusal = (rules: string[], url: string, address: string) => {
    const parsed = parseAllowRules(rules);
    const target = targetOf(new URL(url));
    return addressRefusal(parsed, rulesForHost(parsed, target), target, address);
  };

  it('* never reaches loopback, private, link-local or other non-public addresses', () => {
    for (const rules of [['*'], ['*:*'], ['*.example.com'], ['*.example.com:*']]) {
      for (const address of [
        '127.0.0.1',
        '::1',
        '::ffff:127.0.0.1',
        '10.0.0.1',
        '172.16.0.1',
        '192.168.0.1',
        '169.254.169.254',
        '100.64.0.1',
        'fc00::1',
        'fe80::1',
        '0.0.0.0',
        '224.0.0.1',
        'ff02::1',
      ]) {
        expect({ rules, address, refused: !!refusal(rules, 'https://api.example.com/', address) }).toEqual({
          rules,
          address,
          refused: true,
        });
      }
      expect(refusal(rules, 'https://api.example.com/', '8.8.8.8')).toBeUndefined();
      expect(refusal(rules, 'https://api.example.com/', '2001:4860::8888')).toBeUndefined();
    }
    expect(refusal(['*'], 'https://api.example.com/', '169.254.169.254')).toEqual({
      kind: 'link-local',
      address: '169.254.169.254',
    });
    expect(refusal(['*'], 'https://api.example.com/', '::ffff:7f00:1')).toEqual({
      kind: 'loopback',
      address: '::ffff:7f00:1 (127.0.0.1)',
    });
    expect(refusal(['*:*'], 'http://127.0.0.1:8080/', '127.0.0.1')).toEqual({ kind: 'loopback', address: '127.0.0.1' });
  });

  it('a host named exactly, or an address rule on that port, vouches for non-public addresses', () => {
    expect(refusal(['payments.internal'], 'https://payments.internal/', '10.1.2.3')).toBeUndefined();
    expect(refusal(['payments.internal:8443'], 'https://payments.internal:8443/', '127.0.0.1')).toBeUndefined();
    expect(refusal(['*.example.com', '10.0.0.0/8'], 'https://api.example.com/', '10.1.2.3')).toBeUndefined();
    expect(refusal(['*.example.com', '10.0.0.0/8'], 'https://api.example.com/', '192.168.1.1')).toMatchObject({
      kind: 'private',
    });
    // the address rule must cover the port too
    expect(refusal(['*:*', '10.0.0.0/8'], 'https://api.example.com:8443/', '10.1.2.3')).toMatchObject({
      kind: 'private',
    });
    expect(refusal(['*:*', '10.0.0.0/8:8443'], 'https://api.example.com:8443/', '10.1.2.3')).toBeUndefined();
    expect(refusal(['127.0.0.1:*'], 'http://127.0.0.1:8080/', '127.0.0.1')).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------------------
// The activity against a real server on loopback.

/** Runs fn inside a real activity Context (what @temporalio/testing's MockActivityEnvironment does). */
async function inActivity<T>(fn: () => Promise<T>): Promise<T> {
  const noop = () => undefined;
  const log: Logger = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };
  const info = {
    activityType: 'weft.http',
    activityId: 'test',
    attempt: 1,
    taskQueue: 'test',
    heartbeatTimeoutMs: undefined,
  } as unknown as Info;
  const ctx = new Context(
    info,
    new Promise<never>(noop),
    new AbortController().signal,
    noop,
    undefined,
    log,
    noopMetricMeter,
    {},
  );
  return asyncLocalStorage.run(ctx, fn);
}

async function call(policy: HttpPolicy, input: HttpInput) {
  const activity = createHttpActivity(policy);
  return inActivity(() => activity(input));
}

/** The failure the activity throws for that call. */
async function failure(policy: HttpPolicy, input: HttpInput): Promise<ApplicationFailure> {
  const err = await call(policy, input).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

describe('weft.http against a server on 127.0.0.1', () => {
  let server: Server;
  let port: number;
  const seen: Array<{ method?: string; url?: string; headers: IncomingHttpHeaders; body: string }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() });
        if (req.url === '/fail') return void res.writeHead(503).end('down');
        if (req.url === '/missing') return void res.writeHead(404).end('no');
        if (req.url === '/redirect') return void res.writeHead(302, { location: 'http://169.254.169.254/' }).end();
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, path: req.url }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => (seen.length = 0));

  it('with * a call on a non-default port is refused before any lookup, saying a rule without a port allows only the default port', async () => {
    const resolve = jest.fn(async (): Promise<ResolvedAddress[]> => [{ address: '127.0.0.1', family: 4 }]);
    for (const url of [`http://localhost:${port}/`, `http://127.0.0.1:${port}/`]) {
      const err = await failure({ allow: ['*'], resolve }, { url });
      expect(err.type).toBe('WeftHostNotAllowed');
      expect(err.nonRetryable).toBe(true);
      expect(err.message).toContain(
        `on port ${port} (a rule without a port allows only the default port of the URL's scheme)`,
      );
    }
    expect(resolve).not.toHaveBeenCalled();
    expect(seen).toEqual([]);
  });

  it('with *:* a call to localhost or 127.0.0.1 is refused after resolving, naming the loopback address', async () => {
    const byName = await failure({ allow: ['*:*'] }, { url: `http://localhost:${port}/` });
    expect(byName.type).toBe('WeftHostNotAllowed');
    expect(byName.nonRetryable).toBe(true);
    expect(byName.message).toMatch(
      new RegExp(
        `^weft\\.http: http://localhost:${port}/ is not allowed on this worker: localhost resolves to (127\\.0\\.0\\.1|::1), a loopback address, ` +
          `which the allow rule "\\*:\\*" does not reach \\(wildcards and address rules for other ranges reach public addresses only\\); ` +
          `the operator can allow it with WEFT_HTTP_ALLOW=(127\\.0\\.0\\.1|\\[::1\\]):${port} or by naming the host exactly \\(WEFT_HTTP_ALLOW=localhost:${port}\\)$`,
      ),
    );

    const byAddress = await failure({ allow: ['*:*'] }, { url: `http://127.0.0.1:${port}/` });
    expect(byAddress.message).toBe(
      `weft.http: http://127.0.0.1:${port}/ is not allowed on this worker: 127.0.0.1 is a loopback address, which the allow rule "*:*" does not reach ` +
        `(wildcards and address rules for other ranges reach public addresses only); the operator can allow it with WEFT_HTTP_ALLOW=127.0.0.1:${port}`,
    );
    const mapped = await failure({ allow: ['*:*'] }, { url: `http://[::ffff:127.0.0.1]:${port}/` });
    expect(mapped.message).toContain('::ffff:7f00:1 (127.0.0.1) is a loopback address');
    const numeric = await failure({ allow: ['*:*'] }, { url: `http://2130706433:${port}/` });
    expect(numeric.message).toContain('127.0.0.1 is a loopback address');
    expect(seen).toEqual([]);
  });

  it('with 127.0.0.1:* a call to 127.0.0.1 passes', async () => {
    const out = await call({ allow: ['127.0.0.1:*'] }, { url: `http://127.0.0.1:${port}/hello?x=1` });
    expect(out).toMatchObject({ status: 200, body: { ok: true, path: '/hello?x=1' } });
    expect(seen).toHaveLength(1);
    expect(seen[0].headers.host).toBe(`127.0.0.1:${port}`);
    // the address rule covers the address, not a name that resolves to it
    const byName = await failure({ allow: ['127.0.0.1:*'] }, { url: `http://localhost:${port}/` });
    expect(byName.message).toContain(`no rule of its allow-list covers localhost on port ${port}`);
  });

  it('with 127.0.0.1 (no port) a call to another port is refused: a rule without a port allows only the default port', async () => {
    const err = await failure({ allow: ['127.0.0.1'] }, { url: `http://127.0.0.1:${port}/` });
    expect(err.type).toBe('WeftHostNotAllowed');
    expect(err.message).toBe(
      `weft.http: http://127.0.0.1:${port}/ is not allowed on this worker: no rule of its allow-list covers 127.0.0.1 on port ${port} ` +
        `(a rule without a port allows only the default port of the URL's scheme); the operator can allow it with ` +
        `WEFT_HTTP_ALLOW=127.0.0.1:${port} (comma-separated, "*.example.com" patterns) or \`weft worker --allow-http 127.0.0.1:${port}\``,
    );
    const otherPort = await failure({ allow: ['127.0.0.1:1'] }, { url: `http://127.0.0.1:${port}/` });
    expect(otherPort.message).toContain(
      `covers 127.0.0.1 on port ${port} (the allow rule "127.0.0.1:1" names another port);`,
    );
    const nothing = await failure({ allow: [] }, { url: `http://127.0.0.1:${port}/` });
    expect(nothing.message).toContain(`covers 127.0.0.1 on port ${port}; the operator can allow it`);
    expect(seen).toEqual([]);
  });

  it('with localhost:PORT (the host named exactly) a call to localhost passes', async () => {
    const out = await call(
      { allow: [`localhost:${port}`] },
      { url: `http://localhost:${port}/named`, method: 'post', body: { a: 1 } },
    );
    expect(out).toMatchObject({ status: 200, body: { ok: true, path: '/named' } });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'POST', body: '{"a":1}' });
    expect(seen[0].headers).toMatchObject({
      host: `localhost:${port}`,
      'content-type': 'application/json',
      'content-length': '7',
    });
  });

  it('connects to the addresses it checked, not to what DNS says later; Host stays the URL name', async () => {
    // Listen on 127.0.0.2 only: the system resolver's answer for localhost (127.0.0.1, ::1) would find no server.
    const other = createServer((req, res) => res.end(`host=${req.headers.host} via ${req.socket.localAddress}`));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.2', resolve));
    const otherPort = (other.address() as AddressInfo).port;
    try {
      const resolve = jest.fn(async (): Promise<ResolvedAddress[]> => [{ address: '127.0.0.2', family: 4 }]);
      const out = await call({ allow: [`localhost:${otherPort}`], resolve }, { url: `http://localhost:${otherPort}/` });
      expect(out).toMatchObject({ status: 200, body: `host=localhost:${otherPort} via 127.0.0.2` });
      expect(resolve).toHaveBeenCalledTimes(1);
      expect(resolve).toHaveBeenCalledWith('localhost');
    } finally {
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
  });

  it('refuses a wildcard name that resolves to any non-public address, before connecting (DNS rebinding)', async () => {
    const cases: Array<[ResolvedAddress[], string]> = [
      [
        [{ address: '169.254.169.254', family: 4 }],
        'api.example.com resolves to 169.254.169.254, a link-local address (where cloud metadata services live)',
      ],
      [
        [
          { address: '8.8.8.8', family: 4 },
          { address: '10.0.0.1', family: 4 },
        ],
        'api.example.com resolves to 10.0.0.1, a private address',
      ],
      [[{ address: 'fd00::1', family: 6 }], 'api.example.com resolves to fd00::1, a unique-local IPv6 address'],
      [
        [{ address: '::ffff:127.0.0.1', family: 6 }],
        'api.example.com resolves to ::ffff:127.0.0.1 (127.0.0.1), a loopback address',
      ],
    ];
    for (const [addresses, text] of cases) {
      const err = await failure(
        { allow: ['*.example.com'], resolve: async () => addresses },
        { url: 'https://api.example.com/' },
      );
      expect(err.type).toBe('WeftHostNotAllowed');
      expect(err.message).toContain(text);
      expect(err.message).toContain('which the allow rule "*.example.com" does not reach');
      expect(err.message).toContain('or by naming the host exactly (WEFT_HTTP_ALLOW=api.example.com)');
    }
  });

  it('a name that cannot be resolved is a retryable network failure', async () => {
    const err = await failure(
      { allow: ['api.example.com'], resolve: async () => [] },
      { url: 'https://api.example.com/' },
    );
    expect(err.type).toBe('HttpNetworkError');
    expect(err.nonRetryable).toBe(false);
    expect(err.message).toBe(
      'weft.http: GET https://api.example.com/ failed: cannot resolve api.example.com: no addresses',
    );
  });

  it('maps answers: 5xx retryable, 4xx not, redirects returned and not followed', async () => {
    const allow = ['127.0.0.1:*'];
    const down = await failure({ allow }, { url: `http://127.0.0.1:${port}/fail` });
    expect(down).toMatchObject({ type: 'HttpServerError', nonRetryable: false });
    const missing = await failure({ allow }, { url: `http://127.0.0.1:${port}/missing` });
    expect(missing).toMatchObject({ type: 'HttpClientError', nonRetryable: true });
    const redirect = await call({ allow }, { url: `http://127.0.0.1:${port}/redirect` });
    expect(redirect).toMatchObject({ status: 302, headers: { location: 'http://169.254.169.254/' } });
    expect(seen.map((s) => s.url)).toEqual(['/fail', '/missing', '/redirect']);
  });

  it('refuses bad input and URLs with credentials', async () => {
    const allow = ['127.0.0.1:*'];
    expect((await failure({ allow }, { url: 'ftp://127.0.0.1/' })).message).toBe(
      'weft.http: only http and https URLs are allowed, got ftp:',
    );
    expect((await failure({ allow }, { url: 'not a url' })).message).toBe('weft.http: "not a url" is not a valid URL');
    const creds = await failure({ allow }, { url: `http://user:pw@127.0.0.1:${port}/` });
    expect(creds).toMatchObject({ type: 'WeftBadInput', nonRetryable: true });
    expect(creds.message).toContain('send them in an Authorization header instead');
    expect(seen).toEqual([]);
  });

  it('refuses a bad allow-list when the activity is built, with the rule named', () => {
    expect(() => createHttpActivity({ allow: ['api.example.com:http'] })).toThrow(WeftSetupError);
    expect(() => createHttpActivity({ allow: ['api.example.com:http'] })).toThrow(
      'The weft.http allow rule "api.example.com:http" has "http" where a port',
    );
  });
});

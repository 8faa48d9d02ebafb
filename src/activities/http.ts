/**
 * `weft.http`: one HTTP call. Hosts are denied unless the operator allowed them (WEFT_HTTP_ALLOW or the
 * worker's `http.allow`; rules in address-rules.ts), so a document cannot make the worker reach arbitrary
 * machines. The host is resolved once, every address it resolves to is checked, and the request connects
 * to those checked addresses only (DNS is not asked again), so a name cannot be re-pointed inside between
 * the check and the connection. TLS and the Host header still use the URL's name.
 * 5xx and network errors are retryable; 4xx, bad input and refused hosts or addresses are not.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAddress, LookupOptions } from 'node:dns';
import * as http from 'node:http';
import * as https from 'node:https';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { WeftSetupError } from '../errors';
import {
  addressRefusal,
  AllowRuleError,
  describeKind,
  parseAllowRules,
  rulesForHost,
  targetOf,
  type AllowRule,
  type Target,
} from './address-rules';
import { FAILURE_TYPES } from '../dsl/failure-types';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export interface HttpPolicy {
  /**
   * Allowed hosts: `api.example.com` (default port only), `api.example.com:8443`, `api.example.com:*`,
   * `*.example.com`, `*` (any host, default port; `*:*` any port), or addresses and ranges: `10.1.2.3`,
   * `10.0.0.0/8`, `[::1]:8080`. Empty means no host is allowed. Wildcards reach public addresses only;
   * loopback, private, link-local and other non-public addresses need the host named exactly or an
   * address rule.
   */
  allow?: string[];
  /**
   * Every address a host name resolves to. Default: node:dns `lookup` with `all: true` (the system
   * resolver, hosts file included). For tests and custom resolvers.
   */
  resolve?: (hostname: string) => Promise<ResolvedAddress[]>;
}

export interface HttpInput {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  timeoutMs?: number;
}

export interface HttpOutput {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export function parseAllowList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
}

/** Whether a rule covers the URL's host and port (the addresses it resolves to are checked separately). */
export function hostAllowed(url: URL, allow: string[]): boolean {
  return rulesForHost(parseAllowRules(allow), targetOf(url)).length > 0;
}

const bad = (message: string) => ApplicationFailure.nonRetryable(message, FAILURE_TYPES.badInput);
const refused = (message: string) => ApplicationFailure.nonRetryable(message, FAILURE_TYPES.hostNotAllowed);

async function systemResolve(hostname: string): Promise<ResolvedAddress[]> {
  const found = await dnsLookup(hostname, { all: true, verbatim: true });
  return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
}

/** The refusal for a URL no rule covers, naming the rule that would allow it. */
function hostRefusal(url: URL, target: Target, rules: AllowRule[]): string {
  const suggestion = url.host; // host, or host:port when the port is not the scheme's default
  // Rules that cover the host on other ports: say why they do not count here.
  const onOtherPorts = rules.filter((rule) => rulesForHost([{ ...rule, port: '*' }], target).length > 0);
  const named = onOtherPorts.filter((rule) => typeof rule.port === 'number');
  const note = onOtherPorts.some((rule) => rule.port === 'default')
    ? " (a rule without a port allows only the default port of the URL's scheme)"
    : named.length
      ? ` (the allow rule ${named.map((rule) => `"${rule.text}"`).join(', ')} names another port)`
      : '';
  return (
    `weft.http: ${url.href} is not allowed on this worker: no rule of its allow-list covers ${target.ip && target.host.includes(':') ? `[${target.host}]` : target.host} on port ${target.port}` +
    note +
    `; the operator can allow it with WEFT_HTTP_ALLOW=${suggestion} (comma-separated, "*.example.com" patterns) or \`weft worker --allow-http ${suggestion}\``
  );
}

function addressRule(address: string, family: number, target: Target): string {
  const text = family === 6 ? `[${address.replace(/%.*$/, '')}]` : address;
  if (target.defaultPort) return family === 6 ? text.slice(1, -1) : text;
  return `${text}:${target.port}`;
}

export function createHttpActivity(policy: HttpPolicy) {
  let rules: AllowRule[];
  try {
    rules = parseAllowRules(policy.allow ?? []);
  } catch (err) {
    if (err instanceof AllowRuleError) throw new WeftSetupError(err.message, { cause: err });
    throw err;
  }
  const resolveHost = policy.resolve ?? systemResolve;

  return async function http(input: HttpInput): Promise<HttpOutput> {
    if (!input || typeof input.url !== 'string') throw bad('weft.http needs { url: string, ... }');
    let url: URL;
    try {
      url = new URL(input.url);
    } catch {
      throw bad(`weft.http: "${input.url}" is not a valid URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw bad(`weft.http: only http and https URLs are allowed, got ${url.protocol}`);
    if (url.username || url.password)
      throw bad(`weft.http: ${url.host} is given credentials in the URL; send them in an Authorization header instead`);
    const method = (input.method ?? 'GET').toUpperCase();
    const target = targetOf(url);
    const hostRules = rulesForHost(rules, target);
    if (!hostRules.length) throw refused(hostRefusal(url, target, rules));

    const ctx = Context.current();
    const timeoutMs = input.timeoutMs ?? 30_000;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = AbortSignal.any([ctx.cancellationSignal, timeout]);
    const networkFailure = (err: unknown, what: string) => {
      if (err instanceof ApplicationFailure) return err;
      if (ctx.cancellationSignal.aborted) return err; // let the SDK report the cancellation
      const reason = timeout.aborted ? `timed out after ${timeoutMs}ms` : `${what}${(err as Error).message}`;
      return ApplicationFailure.retryable(`weft.http: ${method} ${url.href} failed: ${reason}`, 'HttpNetworkError');
    };
    const beat = setInterval(() => ctx.heartbeat(), 1000);
    try {
      // Resolve once; the connection below goes to these addresses and no others.
      let addresses: ResolvedAddress[];
      if (target.ip) {
        addresses = [{ address: target.host, family: target.host.includes(':') ? 6 : 4 }];
      } else {
        try {
          addresses = await abortable(resolveHost(target.host), signal);
        } catch (err) {
          throw networkFailure(err, `cannot resolve ${target.host}: `);
        }
        if (!addresses.length) throw networkFailure(new Error('no addresses'), `cannot resolve ${target.host}: `);
      }
      for (const { address, family } of addresses) {
        const refusal = addressRefusal(rules, hostRules, target, address);
        if (!refusal) continue;
        const ruleNames = hostRules.map((rule) => `"${rule.text}"`).join(', ');
        const subject = target.ip ? `${refusal.address} is` : `${target.host} resolves to ${refusal.address},`;
        throw refused(
          `weft.http: ${url.href} is not allowed on this worker: ${subject} ${describeKind(refusal.kind)}, which the allow rule ${ruleNames} ` +
            `does not reach (wildcards and address rules for other ranges reach public addresses only); the operator can allow it with ` +
            `WEFT_HTTP_ALLOW=${addressRule(address, family, target)}${target.ip ? '' : ` or by naming the host exactly (WEFT_HTTP_ALLOW=${url.host})`}`,
        );
      }

      const hasBody = input.body !== undefined && input.body !== null;
      const headers: Record<string, string> = { ...(input.headers ?? {}) };
      const names = Object.keys(headers).map((h) => h.toLowerCase());
      if (hasBody && typeof input.body !== 'string' && !names.includes('content-type'))
        headers['content-type'] = 'application/json';
      const body = hasBody
        ? Buffer.from(typeof input.body === 'string' ? input.body : JSON.stringify(input.body))
        : undefined;
      if (body && !names.includes('content-length') && !names.includes('transfer-encoding'))
        headers['content-length'] = String(body.length);

      let response: { status: number; headers: Record<string, string>; text: string };
      try {
        response = await send(url, target, method, headers, body, addresses, signal);
      } catch (err) {
        throw networkFailure(err, '');
      }
      const contentType = response.headers['content-type'] ?? '';
      let parsed: unknown = response.text;
      if (contentType.includes('json') && response.text) {
        try {
          parsed = JSON.parse(response.text);
        } catch {
          parsed = response.text;
        }
      }
      const result: HttpOutput = { status: response.status, headers: response.headers, body: parsed };
      if (response.status >= 500) {
        throw ApplicationFailure.retryable(
          `weft.http: ${url.host} answered ${response.status}`,
          'HttpServerError',
          result,
        );
      }
      if (response.status >= 400) {
        throw ApplicationFailure.nonRetryable(
          `weft.http: ${url.host} answered ${response.status}`,
          'HttpClientError',
          result,
        );
      }
      return result; // 3xx included: redirects are not followed, since they could lead anywhere
    } finally {
      clearInterval(beat);
    }
  };
}

/** Rejects as soon as the signal aborts (a DNS lookup cannot be cancelled, only left behind). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/**
 * One request over a connection to the checked addresses: `lookup` hands Node's socket those addresses
 * instead of asking DNS again, while the URL's name stays the Host header and the TLS server name.
 */
function send(
  url: URL,
  target: Target,
  method: string,
  headers: Record<string, string>,
  body: Buffer | undefined,
  addresses: ResolvedAddress[],
  signal: AbortSignal,
): Promise<{ status: number; headers: Record<string, string>; text: string }> {
  const pinnedLookup = (
    _hostname: string,
    options: LookupOptions,
    callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    const wanted =
      options?.family === 4 || options?.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses;
    const list = wanted.length ? wanted : addresses;
    if (options?.all)
      callback(
        null,
        list.map((a) => ({ address: a.address, family: a.family })),
      );
    else callback(null, list[0].address, list[0].family);
  };
  const module = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    let request: http.ClientRequest;
    try {
      request = module.request(
        {
          protocol: url.protocol,
          hostname: target.host,
          port: target.port,
          path: `${url.pathname}${url.search}`,
          method,
          headers,
          signal,
          lookup: pinnedLookup as unknown as http.RequestOptions['lookup'],
          agent: false, // a connection of its own: never a pooled socket made under other rules
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            if (!res.complete) return reject(new Error('the connection closed before the response was complete'));
            const out: Record<string, string> = {};
            for (const [name, value] of Object.entries(res.headers)) {
              if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
            }
            resolve({ status: res.statusCode ?? 0, headers: out, text: Buffer.concat(chunks).toString('utf8') });
          });
        },
      );
    } catch (err) {
      // Node checks methods and header names and values before sending anything.
      return reject(bad(`weft.http: cannot send ${method} ${url.href}: ${(err as Error).message}`));
    }
    request.on('error', reject);
    request.end(body);
  });
}

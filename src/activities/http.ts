/**
 * `weft.http`: one HTTP call. Hosts are denied unless the operator allowed them (WEFT_HTTP_ALLOW or the
 * worker's `http.allow`), so a document cannot make the worker reach arbitrary machines.
 * 5xx and network errors are retryable; 4xx, bad input and denied hosts are not.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';

export interface HttpPolicy {
  /**
   * Allowed hosts: `api.example.com`, `*.example.com`, `localhost:8080` (host:port), or `*` for any.
   * Empty means no host is allowed.
   */
  allow?: string[];
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

export function hostAllowed(url: URL, allow: string[]): boolean {
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return allow.some((rule) => {
    if (rule === '*') return true;
    const [ruleHost, rulePort] = rule.split(/:(?=\d+$)/);
    if (rulePort && rulePort !== port) return false;
    if (ruleHost.startsWith('*.')) return host.endsWith(ruleHost.slice(1));
    return host === ruleHost;
  });
}

const bad = (message: string) => ApplicationFailure.nonRetryable(message, 'WeftBadInput');

export function createHttpActivity(policy: HttpPolicy) {
  const allow = (policy.allow ?? []).map((s) => s.toLowerCase());
  return async function http(input: HttpInput): Promise<HttpOutput> {
    if (!input || typeof input.url !== 'string') throw bad('weft.http needs { url: string, ... }');
    let url: URL;
    try {
      url = new URL(input.url);
    } catch {
      throw bad(`weft.http: "${input.url}" is not a valid URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw bad(`weft.http: only http and https URLs are allowed, got ${url.protocol}`);
    if (!hostAllowed(url, allow)) {
      throw ApplicationFailure.nonRetryable(
        `weft.http: host "${url.host}" is not allowed on this worker; the operator can allow it with ` +
          `WEFT_HTTP_ALLOW=${url.host} (comma-separated, "*.example.com" patterns) or \`weft worker --allow-http ${url.host}\``,
        'WeftHostNotAllowed',
      );
    }
    const ctx = Context.current();
    const timeout = AbortSignal.timeout(input.timeoutMs ?? 30_000);
    const signal = AbortSignal.any([ctx.cancellationSignal, timeout]);
    const hasBody = input.body !== undefined && input.body !== null;
    const headers: Record<string, string> = { ...(input.headers ?? {}) };
    if (hasBody && typeof input.body !== 'string' && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
      headers['content-type'] = 'application/json';
    }
    const beat = setInterval(() => ctx.heartbeat(), 1000);
    try {
      const response = await fetch(url, {
        method: (input.method ?? 'GET').toUpperCase(),
        headers,
        body: hasBody ? (typeof input.body === 'string' ? input.body : JSON.stringify(input.body)) : undefined,
        signal,
        redirect: 'manual', // a redirect could lead to a host the allow-list does not cover
      });
      const text = await response.text();
      const contentType = response.headers.get('content-type') ?? '';
      let body: unknown = text;
      if (contentType.includes('json') && text) {
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
      }
      const result: HttpOutput = { status: response.status, headers: Object.fromEntries(response.headers), body };
      if (response.status >= 500) {
        throw ApplicationFailure.retryable(`weft.http: ${url.host} answered ${response.status}`, 'HttpServerError', result);
      }
      if (response.status >= 400) {
        throw ApplicationFailure.nonRetryable(`weft.http: ${url.host} answered ${response.status}`, 'HttpClientError', result);
      }
      return result;
    } catch (err) {
      if (err instanceof ApplicationFailure) throw err;
      if (ctx.cancellationSignal.aborted) throw err; // let the SDK report the cancellation
      const reason = timeout.aborted ? `timed out after ${input.timeoutMs ?? 30_000}ms` : (err as Error).message;
      throw ApplicationFailure.retryable(`weft.http: ${input.method ?? 'GET'} ${url.href} failed: ${reason}`, 'HttpNetworkError');
    } finally {
      clearInterval(beat);
    }
  };
}

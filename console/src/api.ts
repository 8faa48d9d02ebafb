/**
 * The console's only way to Weft: the HTTP API of the `weft serve` that served it (docs/http-api.md). With
 * `WEFT_API_TOKEN` set there, the person types the token once; it stays in this tab's session storage and
 * goes out as a bearer header, never in a URL.
 */
import type { DocumentGraph } from '../../src/dsl/graph-model';
import type { WeftRunView } from '../../src/protocol/dag';
import type { RunSummary } from '../../src/client/run-list';
import type { TriggerView } from '../../src/client/triggers/schedules';

export type { DocumentGraph, WeftRunView, RunSummary, TriggerView };
export type { GraphNode } from '../../src/dsl/graph-model';
export type { NodeResult } from '../../src/dsl/run-result';

const TOKEN_KEY = 'weft.token';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
  }
}

export function setToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return { ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra };
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: headers(body === undefined ? {} : { 'content-type': 'application/json' }),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const parsed: unknown = text ? JSON.parse(text) : undefined;
  if (response.status === 401) dispatchEvent(new Event('weft:unauthorized'));
  if (!response.ok) {
    const message = (parsed as { error?: string } | undefined)?.error ?? `${response.status} ${response.statusText}`;
    throw new ApiError(response.status, message, parsed);
  }
  return parsed as T;
}

export interface Issue {
  path: string;
  code: string;
  message: string;
}

export interface ApiInfo {
  namespace: string;
  taskQueue: string;
  temporalUiUrl: string | null;
}

export interface RunFilter {
  dag?: string;
  status?: string;
  waiting?: boolean;
  before?: string;
  limit?: number;
}

const query = (params: Record<string, string | number | boolean | undefined>) => {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== '' && v !== false);
  return entries.length ? `?${new URLSearchParams(entries.map(([k, v]) => [k, String(v)])).toString()}` : '';
};

const run = (workflowId: string) => `/api/runs/${encodeURIComponent(workflowId)}`;

export const api = {
  info: () => call<ApiInfo>('GET', '/api/info'),
  listRuns: (filter: RunFilter) => call<{ runs: RunSummary[] }>('GET', `/api/runs${query({ ...filter })}`),
  view: (workflowId: string) => call<WeftRunView>('GET', run(workflowId)),
  graph: (workflowId: string) => call<DocumentGraph>('GET', `${run(workflowId)}/graph`),
  nodeInput: (workflowId: string, nodeId: string) =>
    call<{ recorded: boolean; input?: unknown }>('GET', `${run(workflowId)}/nodes/${encodeURIComponent(nodeId)}/input`),
  act: (workflowId: string, action: string, body: Record<string, unknown> = {}) =>
    call<{ message: string }>('POST', `${run(workflowId)}/${action}`, body),
  rerun: (workflowId: string, body: { from?: string[]; input?: Record<string, unknown> }) =>
    call<{ workflowId: string; runId: string }>('POST', `${run(workflowId)}/rerun`, body),
  start: (document: unknown, input?: Record<string, unknown>) =>
    call<{ workflowId: string; runId: string }>('POST', '/api/runs', { document, ...(input ? { input } : {}) }),
  /** The document's graph, or its issues (a 422 answer). */
  documentGraph: async (document: unknown): Promise<{ graph: DocumentGraph } | { issues: Issue[] }> => {
    try {
      return { graph: await call<DocumentGraph>('POST', '/api/graph', document) };
    } catch (err) {
      if (err instanceof ApiError && err.status === 422) return { issues: (err.body as { issues: Issue[] }).issues };
      throw err;
    }
  },
  schedules: () => call<TriggerView[]>('GET', '/api/schedules'),
  scheduleAction: (id: string, action: 'pause' | 'unpause' | 'trigger') =>
    call<{ message: string }>('POST', `/api/schedules/${encodeURIComponent(id)}/${action}`),
};

/**
 * Follows a run's event stream (`view` events, then `end`). Read with fetch rather than EventSource, which
 * cannot send the bearer header; reconnects after a dropped connection while the run has not ended.
 * Returns a function that stops following.
 */
export function followRun(
  workflowId: string,
  handlers: { view: (view: WeftRunView) => void; end: () => void; error: (err: Error) => void },
): () => void {
  const controller = new AbortController();
  let ended = false;
  const connect = async (): Promise<void> => {
    const response = await fetch(`${run(workflowId)}/events`, { headers: headers(), signal: controller.signal });
    if (!response.ok || !response.body) {
      const body = (await response.json().catch(() => ({}))) as { error?: string };
      throw new ApiError(response.status, body.error ?? `${response.status} ${response.statusText}`, body);
    }
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let boundary: number;
      while ((boundary = buffer.indexOf('\n\n')) >= 0) {
        const message = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary + 2);
        const event = /^event: (.*)$/m.exec(message)?.[1];
        const data = message
          .split('\n')
          .filter((line) => line.startsWith('data: '))
          .map((line) => line.slice(6))
          .join('\n');
        if (event === 'view') handlers.view(JSON.parse(data) as WeftRunView);
        if (event === 'end') {
          ended = true;
          handlers.end();
        }
      }
    }
  };
  const loop = async () => {
    for (let attempt = 0; !ended && !controller.signal.aborted; attempt++) {
      try {
        await connect();
      } catch (err) {
        if (controller.signal.aborted) return;
        if (err instanceof ApiError && err.status < 500) return handlers.error(err);
        if (attempt >= 5) return handlers.error(err as Error);
      }
      if (!ended) await new Promise((r) => setTimeout(r, Math.min(5000, 500 * 2 ** attempt)));
    }
  };
  void loop();
  return () => controller.abort();
}

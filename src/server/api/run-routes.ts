/** Documents and runs: validate, start (idempotently), list, view, follow as events, steer, rerun. */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { WeftClient, WeftRun } from '../../client/weft-client';
import { graphOfDocument } from '../../dsl/graph-model';
import { validateDocument } from '../../dsl/validate';
import { WeftConflictError } from '../../errors';
import type { WeftRunView } from '../../protocol/dag';
import { HttpError, issueJson } from './errors';
import type { RunWatchers } from './run-watchers';

const Input = z.record(z.string(), z.unknown());
const StartBody = z.object({
  document: z.unknown(),
  input: Input.optional(),
  id: z.string().min(1).max(1000).optional(),
});
const RerunBody = z.object({
  from: z.array(z.string()).optional(),
  input: Input.optional(),
  id: z.string().min(1).max(1000).optional(),
});
const ActionBody = z
  .object({ nodeId: z.string().optional(), data: z.unknown(), output: z.unknown(), reason: z.string().optional() })
  .nullish();
const RunParams = z.object({ workflowId: z.string() });
const ACTIONS = ['approve', 'reject', 'retry', 'skip', 'fail', 'pause', 'resume', 'cancel'] as const;
const Started = z.object({ workflowId: z.string(), runId: z.string() });

export function registerRunRoutes(api: FastifyInstance, weft: WeftClient, watchers: RunWatchers): void {
  const app = api.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/api/validate',
    { schema: { description: 'Validate a DAG document.', body: z.unknown() } },
    async (req, reply) => {
      const checked = validateDocument(req.body);
      if (checked.ok) return { valid: true };
      return reply.code(422).send({ valid: false, issues: checked.issues.map(issueJson) });
    },
  );

  app.get(
    '/api/info',
    { schema: { description: 'Where this API points: the namespace, the task queue and the Temporal Web UI.' } },
    async () => ({
      namespace: weft.config.namespace,
      taskQueue: weft.config.taskQueue,
      temporalUiUrl: weft.config.uiUrl ?? null,
    }),
  );

  app.post(
    '/api/graph',
    {
      schema: {
        description: "A document's graph, as the console draws it (422 with its issues if it is invalid).",
        body: z.unknown(),
      },
    },
    async (req, reply) => {
      const checked = validateDocument(req.body);
      if (checked.ok) return graphOfDocument(checked.document);
      return reply.code(422).send({ valid: false, issues: checked.issues.map(issueJson) });
    },
  );

  app.post(
    '/api/runs',
    {
      schema: {
        description:
          'Start a run. With an Idempotency-Key header a key never starts two runs: a repeat answers 200 with the first.',
        body: StartBody,
        headers: z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }).passthrough(),
        response: { 200: Started, 201: Started },
      },
    },
    async (req, reply) => {
      const key = req.headers['idempotency-key'];
      const workflowId = req.body.id ?? (key === undefined ? undefined : idempotentId(req.body.document, key));
      try {
        const run = await weft.start(req.body.document, {
          input: req.body.input,
          workflowId,
          onceOnly: key !== undefined,
        });
        return reply.code(201).send({ workflowId: run.workflowId, runId: run.runId! });
      } catch (err) {
        if (!(err instanceof WeftConflictError) || key === undefined || workflowId === undefined) throw err;
        const first = await weft.temporal.workflow.getHandle(workflowId).describe();
        return reply.code(200).send({ workflowId, runId: first.runId });
      }
    },
  );

  app.get(
    '/api/runs',
    {
      schema: {
        description: 'Recent runs, newest first.',
        querystring: z.object({
          dag: z.string().optional(),
          status: z.string().optional(),
          waiting: z.enum(['true', 'false']).optional(),
          limit: z.coerce.number().int().min(1).max(1000).optional(),
          before: z.string().optional().describe('only runs started before this time: the next page'),
        }),
      },
    },
    async (req) => {
      const { dag, status, waiting, limit, before } = req.query;
      return {
        runs: await weft.listRuns({ dag, status: status?.toUpperCase(), waiting: waiting === 'true', limit, before }),
      };
    },
  );

  app.get(
    '/api/runs/:workflowId',
    { schema: { description: 'The run view, as `weft status --json` prints it.', params: RunParams } },
    async (req) => weft.getRun(req.params.workflowId).state(),
  );

  app.get(
    '/api/runs/:workflowId/graph',
    { schema: { description: "The graph of the run's document: nodes, edges, sub-DAGs, maps.", params: RunParams } },
    async (req) => graphOfDocument(await weft.getRun(req.params.workflowId).document()),
  );

  app.get(
    '/api/runs/:workflowId/nodes/:nodeId/input',
    {
      schema: {
        description: "A node's input as its latest attempt received it, read from the run's history.",
        params: RunParams.extend({ nodeId: z.string() }),
      },
    },
    async (req) => weft.getRun(req.params.workflowId).nodeInput(req.params.nodeId),
  );

  app.get(
    '/api/runs/:workflowId/events',
    {
      schema: {
        description:
          'Server-Sent Events: a `view` event with the run view each time it changes; ends when the run ends.',
        params: RunParams,
      },
    },
    async (req, reply) => {
      const { workflowId } = req.params;
      // The run's first view comes from its watcher (shared by every follower): an unknown run is a 404 before
      // the stream starts, and a thousand followers cost the run one read, not a thousand.
      let send: ((event: string, data: unknown) => void) | undefined;
      const early: Array<[string, unknown]> = [];
      const emit = (event: string, data: unknown) => (send ? send(event, data) : early.push([event, data]));
      let firstView!: () => void;
      let failed!: (err: Error) => void;
      const ready = new Promise<void>((resolve, reject) => ((firstView = resolve), (failed = reject)));
      const stop = watchers.follow(workflowId, {
        view: (view: WeftRunView) => {
          emit('view', view);
          firstView();
        },
        end: (error) => {
          if (error && !send && early.length === 0) return failed(error);
          emit('end', error ? { error: error.message } : {});
          firstView();
        },
      });
      await ready;
      reply.hijack();
      const out = reply.raw;
      out.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      send = (event, data) => {
        out.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
        if (event === 'end') out.end();
      };
      for (const [event, data] of early) send(event, data);
      req.raw.on('close', stop);
    },
  );

  app.post(
    '/api/runs/:workflowId/rerun',
    {
      schema: {
        description: 'A new run that keeps what succeeded and runs the rest (docs/dsl.md, "Rerun").',
        params: RunParams,
        body: RerunBody.nullish(),
        response: { 201: Started },
      },
    },
    async (req, reply) => {
      const body = req.body ?? {};
      const run = await weft.rerun(req.params.workflowId, { from: body.from, input: body.input, workflowId: body.id });
      return reply.code(201).send({ workflowId: run.workflowId, runId: run.runId! });
    },
  );

  app.post(
    '/api/runs/:workflowId/:action',
    {
      schema: {
        description: `An operator action: ${ACTIONS.join(', ')}; 409 when the run refuses it (nothing changed).`,
        params: RunParams.extend({ action: z.string() }),
        body: ActionBody,
      },
    },
    async (req) => {
      const action = req.params.action as (typeof ACTIONS)[number];
      if (!ACTIONS.includes(action))
        throw new HttpError(404, `There is no action "${req.params.action}"; use one of ${ACTIONS.join(', ')}.`);
      const run = weft.getRun(req.params.workflowId);
      return { message: await act(run, action, req.body ?? {}) };
    },
  );
}

async function act(
  run: WeftRun,
  action: (typeof ACTIONS)[number],
  body: { nodeId?: string; data?: unknown; output?: unknown; reason?: string },
) {
  const nodeId = body.nodeId ?? '';
  switch (action) {
    case 'approve':
      return run.approve(nodeId, body.data);
    case 'reject':
      return run.reject(nodeId, body.reason);
    case 'retry':
      return run.retry(nodeId);
    case 'skip':
      return run.skip(nodeId, body.output);
    case 'fail':
      return run.fail(nodeId, body.reason);
    case 'pause':
      return run.pause();
    case 'resume':
      return run.resume();
    case 'cancel':
      await run.cancel();
      return 'cancel requested: running nodes are cancelled, then completed ones compensated';
  }
}

/**
 * The workflow id an Idempotency-Key stands for: the document's name and a digest of the key, so a repeat
 * finds the first run (Temporal keeps a workflow id unique while it retains the run).
 */
function idempotentId(document: unknown, key: string): string | undefined {
  const checked = validateDocument(document);
  if (!checked.ok) return undefined; // start() refuses it with every issue
  return `${checked.document.name}-${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;
}

/**
 * One run, drawn as its DAG and kept live by the run's event stream: click a node for its input, output,
 * error and attempts, and the actions that apply to it; pause, resume, cancel or rerun the run.
 */
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import {
  api,
  followRun,
  type ApiInfo,
  type DocumentGraph,
  type GraphNode,
  type NodeResult,
  type WeftRunView,
} from '../api';
import { DagView, toggleExpanded } from '../graph/DagView';
import { navigate, runHref } from '../router';
import { StatusBadge } from '../status';
import { NodePanel } from './NodePanel';

const ENDED = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

/** A node by its path: `id` at the top, `parent.id` inside an expanded sub-DAG. */
function nodeAt(nodes: readonly GraphNode[], path: string): GraphNode | undefined {
  const [head, ...rest] = path.split('.');
  const node = nodes.find((n) => n.id === head);
  return rest.length ? (node?.dag ? nodeAt(node.dag.nodes, rest.join('.')) : undefined) : node;
}

/** Temporal names a sub-DAG's child run `<parent workflow id>.<node id>`, level by level. */
const childRunId = (workflowId: string, parentPath: string) => `${workflowId}.${parentPath}`;

export function RunPage({ workflowId }: { workflowId: string }) {
  const [graph, setGraph] = useState<DocumentGraph | undefined>();
  const [view, setView] = useState<WeftRunView | undefined>();
  const [children, setChildren] = useState<Record<string, WeftRunView>>({});
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [selected, setSelected] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [message, setMessage] = useState<string | undefined>();
  const [info, setInfo] = useState<ApiInfo | undefined>();

  useEffect(() => {
    api.info().then(setInfo, () => undefined);
    api.graph(workflowId).then(setGraph, (err: Error) => setError(err.message));
    return followRun(workflowId, {
      view: (next) => setView(next),
      end: () => undefined,
      error: (err) => setError(err.message),
    });
  }, [workflowId]);

  // Each expanded sub-DAG follows its own child run, for as long as it stays expanded.
  useEffect(() => {
    const stops = [...expanded].map((path) =>
      followRun(childRunId(workflowId, path), {
        view: (child) => setChildren((all) => ({ ...all, [path]: child })),
        end: () => undefined,
        error: () => undefined, // not started yet, or gone: its node's own state says why
      }),
    );
    return () => stops.forEach((stop) => stop());
  }, [workflowId, expanded]);

  const stateOf = useCallback(
    (path: string): NodeResult | undefined => {
      const cut = path.lastIndexOf('.');
      if (cut < 0) return view?.nodes[path];
      return children[path.slice(0, cut)]?.nodes[path.slice(cut + 1)];
    },
    [view, children],
  );
  const toggle = useCallback((path: string) => setExpanded((open) => toggleExpanded(open, path)), []);

  const act = async (action: string, body: Record<string, unknown> = {}, runId = workflowId) => {
    setMessage(undefined);
    try {
      if (action === 'rerun') {
        const started = await api.rerun(workflowId, body as { from?: string[]; input?: Record<string, unknown> });
        navigate(runHref(started.workflowId));
        return;
      }
      const answer = await api.act(runId, action, body);
      setMessage(answer.message);
    } catch (err) {
      setMessage((err as Error).message);
    }
  };

  const uiLink = useMemo(() => {
    if (!info?.temporalUiUrl || !view) return undefined;
    const base = info.temporalUiUrl.replace(/\/$/, '');
    return `${base}/namespaces/${encodeURIComponent(info.namespace)}/workflows/${encodeURIComponent(workflowId)}/${encodeURIComponent(view.runId)}`;
  }, [info, view, workflowId]);

  if (error && !view)
    return (
      <section>
        <h1>Run {workflowId}</h1>
        <p role="alert">{error}</p>
      </section>
    );
  const ended = view ? ENDED.has(view.status) : false;
  const selectedNode = selected && graph ? nodeAt(graph.nodes, selected) : undefined;
  const selectedParent = selected?.includes('.') ? selected.slice(0, selected.lastIndexOf('.')) : undefined;
  const selectedRunId = selectedParent ? childRunId(workflowId, selectedParent) : workflowId;
  const selectedView = selectedParent ? children[selectedParent] : view;
  const selectedId = selected?.slice(selected.lastIndexOf('.') + 1);

  return (
    <section class="run-page" aria-labelledby="run-title" data-run-status={view?.status ?? 'LOADING'}>
      <div class="run-head">
        <div>
          <h1 id="run-title">
            {workflowId} {view && <StatusBadge status={view.status} />}
          </h1>
          <p class="meta">
            {view?.dag && (
              <>
                DAG <a href={`/?dag=${encodeURIComponent(view.dag)}`}>{view.dag}</a>
              </>
            )}
            {view?.rerunOf && (
              <>
                {' · '}rerun of <a href={runHref(view.rerunOf)}>{view.rerunOf}</a>
              </>
            )}
            {view?.startsAt && <> · starts at {new Date(view.startsAt).toLocaleString()}</>}
            {view?.compensation &&
              (view.compensation.compensated.length > 0 || view.compensation.failed.length > 0) && (
                <span data-field="compensation">
                  {' · '}saga: {view.compensation.compensated.length} undone
                  {view.compensation.compensated.length ? ` (${view.compensation.compensated.join(', ')})` : ''}
                  {view.compensation.failed.length ? `, ${view.compensation.failed.length} still failed` : ''}
                </span>
              )}
            {uiLink && (
              <>
                {' · '}
                <a href={uiLink} target="_blank" rel="noreferrer" data-link="temporal-ui">
                  Open in the Temporal Web UI
                </a>
              </>
            )}
          </p>
        </div>
        <div class="actions" aria-label="Run actions">
          {view?.status === 'RUNNING' && (
            <button type="button" data-action="pause" onClick={() => void act('pause')}>
              Pause
            </button>
          )}
          {view?.status === 'PAUSED' && (
            <button type="button" data-action="resume" onClick={() => void act('resume')}>
              Resume
            </button>
          )}
          {view && !ended && (
            <button
              type="button"
              class="danger"
              data-action="cancel"
              onClick={() =>
                confirm(`Cancel the run ${workflowId}? Its saga compensates what it did.`) && void act('cancel')
              }
            >
              Cancel
            </button>
          )}
          {ended && (
            <button type="button" data-action="rerun" onClick={() => void act('rerun')}>
              Rerun
            </button>
          )}
        </div>
      </div>
      <p role="status" class="message" aria-live="polite">
        {message}
      </p>
      {view?.waiting && view.waiting.length > 0 && (
        <div class="waiting" role="region" aria-label="Waiting for a person">
          {view.waiting.map((w) => (
            <p key={w.nodeId}>
              <button type="button" class="link" onClick={() => setSelected(w.nodeId)}>
                {w.nodeId}
              </button>{' '}
              waits for {w.kind === 'approval' ? 'an approval' : 'an operator after a failure'}: {w.reason}
            </p>
          ))}
        </div>
      )}
      <div class="run-body">
        {graph ? (
          <DagView
            nodes={graph.nodes}
            stateOf={stateOf}
            expanded={expanded}
            selected={selected}
            onSelect={setSelected}
            onToggle={toggle}
          />
        ) : (
          <p>Loading the DAG…</p>
        )}
        {selectedNode && selectedId && (
          <NodePanel
            key={selected}
            runId={selectedRunId}
            node={selectedNode}
            nodeId={selectedId}
            state={stateOf(selected!)}
            waiting={selectedView?.waiting?.find((w) => w.nodeId === selectedId)}
            runEnded={(selectedView && ENDED.has(selectedView.status)) ?? false}
            canRerunFrom={!selectedParent && ended}
            onAct={(action, body) =>
              void act(
                action,
                action === 'rerun' ? { from: [selectedId], ...body } : { nodeId: selectedId, ...body },
                selectedRunId,
              )
            }
            onClose={() => setSelected(undefined)}
          />
        )}
      </div>
      {graph?.onExit && (
        <section class="exit" aria-labelledby="exit-title">
          <h2 id="exit-title">Exit handlers</h2>
          <ul>
            {graph.onExit.map((node) => {
              const state = view?.onExit?.nodes[node.id];
              return (
                <li key={node.id} data-exit-node-id={node.id} data-status={state?.status ?? 'PENDING'}>
                  {node.id} ({node.label}) <StatusBadge status={state?.status ?? 'PENDING'} />
                </li>
              );
            })}
          </ul>
        </section>
      )}
      {view?.refusedSignals && view.refusedSignals.length > 0 && (
        <section aria-labelledby="refused-title">
          <h2 id="refused-title">Refused signals</h2>
          <ul>
            {view.refusedSignals.map((s, i) => (
              <li key={i}>
                {s.signal}
                {s.nodeId ? ` ${s.nodeId}` : ''}: {s.reason}
              </li>
            ))}
          </ul>
        </section>
      )}
    </section>
  );
}

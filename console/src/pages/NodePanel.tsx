/** One node of a run: what it was given and produced, how it went, and the actions that apply to it now. */
import { useEffect, useState } from 'preact/hooks';
import { api, type GraphNode, type NodeResult, type WeftRunView } from '../api';
import { durationOf, StatusBadge } from '../status';

type Waiting = NonNullable<WeftRunView['waiting']>[number];

export interface NodePanelProps {
  /** The run the node belongs to (a sub-DAG's node belongs to its child run). */
  runId: string;
  nodeId: string;
  node: GraphNode;
  state: NodeResult | undefined;
  waiting: Waiting | undefined;
  runEnded: boolean;
  canRerunFrom: boolean;
  onAct: (action: string, body?: Record<string, unknown>) => void;
  onClose: () => void;
}

/** JSON typed by a person: empty means "none"; anything else must parse. */
function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  if (!text.trim()) return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, error: `not JSON: ${(err as Error).message}` };
  }
}

export function NodePanel(props: NodePanelProps) {
  const { node, state, waiting } = props;
  const [input, setInput] = useState<{ recorded: boolean; input?: unknown } | undefined>();
  const [text, setText] = useState('');
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  // Sleeps, approvals and maps take no input of their own (a map's items are in its output and counts).
  const takesInput = node.type === 'activity' || node.type === 'workflow' || node.type === 'dag';
  const started = takesInput && !!state?.startedAt;

  useEffect(() => {
    if (!started) return;
    api.nodeInput(props.runId, props.nodeId).then(setInput, () => setInput({ recorded: false }));
  }, [props.runId, props.nodeId, started, state?.attempts]);

  const withJson = (action: string, field: 'data' | 'output' | 'input') => {
    const parsed = parseJson(text);
    if (!parsed.ok) return setProblem(`${field}: ${parsed.error}`);
    setProblem(undefined);
    props.onAct(action, parsed.value === undefined ? {} : { [field]: parsed.value });
  };
  const withReason = (action: string) => props.onAct(action, reason ? { reason } : {});

  return (
    <aside class="panel" aria-labelledby="panel-title" data-panel={props.nodeId}>
      <div class="panel-head">
        <h2 id="panel-title">{props.nodeId}</h2>
        <button type="button" class="close" aria-label="Close" onClick={props.onClose}>
          Close
        </button>
      </div>
      <p>
        <StatusBadge status={state?.status ?? 'PENDING'} />{' '}
        {node.label.startsWith(node.type) ? node.label : `${node.type}: ${node.label}`}
      </p>
      <dl class="facts">
        {state && state.attempts > 0 && (
          <>
            <dt>Attempts</dt>
            <dd data-field="attempts">{state.attempts}</dd>
          </>
        )}
        {state?.startedAt && (
          <>
            <dt>Started</dt>
            <dd>
              <time dateTime={state.startedAt}>{new Date(state.startedAt).toLocaleString()}</time>
            </dd>
            <dt>{state.endedAt ? 'Took' : 'Running for'}</dt>
            <dd>{durationOf(state.startedAt, state.endedAt)}</dd>
          </>
        )}
        {state?.endedAt && (
          <>
            <dt>Ended</dt>
            <dd>
              <time dateTime={state.endedAt}>{new Date(state.endedAt).toLocaleString()}</time>
            </dd>
          </>
        )}
        {state?.reason && (
          <>
            <dt>Why</dt>
            <dd>{state.reason}</dd>
          </>
        )}
        {state?.reusedFrom && (
          <>
            <dt>Kept from</dt>
            <dd>{state.reusedFrom} (not run again)</dd>
          </>
        )}
        {state?.map && (
          <>
            <dt>Items</dt>
            <dd data-field="map">
              {state.map.items.toLocaleString('en')} items: {state.map.succeeded.toLocaleString('en')} succeeded,{' '}
              {state.map.failed.toLocaleString('en')} failed, {state.map.running.toLocaleString('en')} running
              {state.map.compensated ? `, ${state.map.compensated.toLocaleString('en')} compensated` : ''}
            </dd>
          </>
        )}
        {state?.compensation && (
          <>
            <dt>Compensation</dt>
            <dd>
              {state.compensation.status}
              {state.compensation.error ? `: ${state.compensation.error.message}` : ''}
            </dd>
          </>
        )}
      </dl>
      {state?.error && (
        <div class="error" data-field="error">
          <h3>Error{state.error.type ? ` (${state.error.type})` : ''}</h3>
          <pre>{state.error.message}</pre>
        </div>
      )}
      {started && (
        <>
          <h3>Input</h3>
          <pre data-field="input">
            {input === undefined ? 'Loading…' : input.recorded ? json(input.input) : 'none recorded for this node'}
          </pre>
        </>
      )}
      {state && state.output !== undefined && state.output !== null && (
        <>
          <h3>Output</h3>
          <pre data-field="output">{json(state.output)}</pre>
        </>
      )}
      {state?.outputOmitted !== undefined && (
        <p>The output ({state.outputOmitted.toLocaleString('en')} characters) is in the run's history.</p>
      )}

      {waiting?.kind === 'approval' && (
        <form class="act" onSubmit={(e) => e.preventDefault()}>
          <h3>Approve or reject</h3>
          <label>
            Data (JSON, becomes the node's output)
            <textarea name="data" rows={3} value={text} onInput={(e) => setText(e.currentTarget.value)} />
          </label>
          <label>
            Reason (for a rejection)
            <input name="reason" value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
          </label>
          <button type="button" data-action="approve" onClick={() => withJson('approve', 'data')}>
            Approve
          </button>
          <button type="button" class="danger" data-action="reject" onClick={() => withReason('reject')}>
            Reject
          </button>
        </form>
      )}
      {waiting?.kind === 'failure' && (
        <form class="act" onSubmit={(e) => e.preventDefault()}>
          <h3>Decide after the failure</h3>
          <button type="button" data-action="retry" onClick={() => props.onAct('retry')}>
            Retry
          </button>
          <label>
            Output (JSON, what downstream nodes see)
            <textarea name="output" rows={3} value={text} onInput={(e) => setText(e.currentTarget.value)} />
          </label>
          <button type="button" data-action="skip" onClick={() => withJson('skip', 'output')}>
            Skip with this output
          </button>
          <label>
            Reason
            <input name="reason" value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
          </label>
          <button type="button" class="danger" data-action="fail" onClick={() => withReason('fail')}>
            Fail the node
          </button>
        </form>
      )}
      {props.canRerunFrom && (
        <form class="act" onSubmit={(e) => e.preventDefault()}>
          <h3>Rerun from here</h3>
          <p class="hint">A new run keeps what succeeded upstream and runs this node and everything after it.</p>
          <label>
            Input (JSON; empty: this run's input)
            <textarea name="input" rows={2} value={text} onInput={(e) => setText(e.currentTarget.value)} />
          </label>
          <button type="button" data-action="rerun" onClick={() => withJson('rerun', 'input')}>
            Rerun from here
          </button>
        </form>
      )}
      {problem && <p role="alert">{problem}</p>}
    </aside>
  );
}

function json(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? 'null';
}

/** Paste or upload a document: its issues at their paths, and its DAG drawn before anything runs; then run it. */
import { useState } from 'preact/hooks';
import { api, type DocumentGraph, type Issue } from '../api';
import { DagView, toggleExpanded } from '../graph/DagView';
import { navigate, runHref } from '../router';

export function DocumentPage() {
  const [text, setText] = useState('');
  const [graph, setGraph] = useState<DocumentGraph | undefined>();
  const [issues, setIssues] = useState<Issue[]>([]);
  const [problem, setProblem] = useState<string | undefined>();
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());

  const parsed = (): unknown => {
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      setGraph(undefined);
      setIssues([]);
      setProblem(`The document is not JSON: ${(err as Error).message}`);
      return undefined;
    }
  };

  const check = async () => {
    const document = parsed();
    if (document === undefined) return;
    setProblem(undefined);
    try {
      const answer = await api.documentGraph(document);
      if ('graph' in answer) {
        setGraph(answer.graph);
        setIssues([]);
      } else {
        setGraph(undefined);
        setIssues(answer.issues);
      }
    } catch (err) {
      setProblem((err as Error).message);
    }
  };

  const start = async () => {
    const document = parsed();
    if (document === undefined) return;
    try {
      const run = await api.start(document);
      navigate(runHref(run.workflowId));
    } catch (err) {
      setProblem((err as Error).message);
    }
  };

  return (
    <section aria-labelledby="document-title">
      <h1 id="document-title">Document</h1>
      <form
        class="document"
        onSubmit={(e) => {
          e.preventDefault();
          void check();
        }}
      >
        <label for="document-text">A weft/v1 document (JSON)</label>
        <textarea
          id="document-text"
          name="document"
          rows={14}
          spellcheck={false}
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
        />
        <div class="row">
          <label class="file">
            Or upload a file{' '}
            <input
              type="file"
              accept=".json,application/json"
              onChange={async (e) => {
                const file = e.currentTarget.files?.[0];
                if (file) setText(await file.text());
              }}
            />
          </label>
          <button type="submit" data-action="validate">
            Check and draw
          </button>
          <button type="button" data-action="start" disabled={!graph} onClick={() => void start()}>
            Start a run
          </button>
        </div>
      </form>
      {problem && <p role="alert">{problem}</p>}
      {issues.length > 0 && (
        <div role="alert" class="issues">
          <h2>
            {issues.length} issue{issues.length === 1 ? '' : 's'}
          </h2>
          <ul>
            {issues.map((issue, i) => (
              <li key={i} data-issue-path={issue.path}>
                <code>{issue.path || '(document)'}</code>: {issue.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {graph && (
        <>
          <h2>
            {graph.name}: {graph.nodes.length} node{graph.nodes.length === 1 ? '' : 's'}
          </h2>
          <DagView
            nodes={graph.nodes}
            stateOf={() => undefined}
            expanded={expanded}
            onSelect={() => undefined}
            onToggle={(path) => setExpanded((open) => toggleExpanded(open, path))}
          />
        </>
      )}
    </section>
  );
}

/** Recent runs, newest first: by DAG, status, waiting for a person; older pages by start time. */
import { useEffect, useState } from 'preact/hooks';
import { api, type RunSummary } from '../api';
import { navigate, runHref } from '../router';
import { formatDuration, StatusBadge } from '../status';

const STATUSES = ['RUNNING', 'PAUSED', 'WAITING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'TERMINATED', 'TIMED_OUT'];
const PAGE = 25;

export function RunsPage({ search }: { search: URLSearchParams }) {
  const dag = search.get('dag') ?? '';
  const status = search.get('status') ?? '';
  const waiting = search.get('waiting') === 'true';
  const before = search.get('before') ?? undefined;
  const [runs, setRuns] = useState<RunSummary[] | undefined>();
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    let live = true;
    const load = () =>
      api
        .listRuns({ dag, status, waiting, before, limit: PAGE })
        .then((answer) => live && (setRuns(answer.runs), setError(undefined)))
        .catch((err: Error) => live && (setRuns(undefined), setError(err.message)));
    void load();
    // A first page stays current; an older page is history and does not move.
    const timer = before ? undefined : setInterval(load, 3000);
    return () => ((live = false), clearInterval(timer));
  }, [dag, status, waiting, before]);

  const filterHref = (change: Record<string, string | undefined>) => {
    const merged: Record<string, string | undefined> = {
      dag,
      status,
      waiting: waiting ? 'true' : '',
      before,
      ...change,
    };
    const next = new URLSearchParams();
    for (const [key, value] of Object.entries(merged)) if (value) next.set(key, value);
    const text = next.toString();
    return text ? `/?${text}` : '/';
  };

  return (
    <section aria-labelledby="runs-title">
      <h1 id="runs-title">Runs</h1>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget);
          navigate(
            filterHref({
              dag: String(form.get('dag') ?? ''),
              status: String(form.get('status') ?? ''),
              waiting: form.get('waiting') ? 'true' : '',
              before: undefined,
            }),
          );
        }}
      >
        <label>
          DAG <input name="dag" defaultValue={dag} placeholder="any" />
        </label>
        <label>
          Status{' '}
          <select name="status" defaultValue={status}>
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label class="check">
          <input type="checkbox" name="waiting" defaultChecked={waiting} /> waiting for a person
        </label>
        <button type="submit">Filter</button>
      </form>
      {error && <p role="alert">{error}</p>}
      {runs === undefined && !error && <p>Loading…</p>}
      {runs?.length === 0 && <p>No runs{dag || status || waiting ? ' match these filters' : ' yet'}.</p>}
      {runs && runs.length > 0 && (
        <table class="runs">
          <thead>
            <tr>
              <th scope="col">Run</th>
              <th scope="col">DAG</th>
              <th scope="col">Status</th>
              <th scope="col">Started</th>
              <th scope="col">Duration</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => (
              <tr key={run.workflowId + run.runId} data-run-id={run.workflowId}>
                <td>
                  <a href={runHref(run.workflowId)}>{run.workflowId}</a>
                </td>
                <td>{run.dag ?? ''}</td>
                <td>
                  <StatusBadge status={run.status} />
                </td>
                <td>
                  <time dateTime={run.startTime}>{new Date(run.startTime).toLocaleString()}</time>
                </td>
                <td>{formatDuration(run.durationMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav class="pager" aria-label="Pages of runs">
        {before && <a href={filterHref({ before: undefined })}>Newest</a>}
        {runs && runs.length === PAGE && (
          <a href={filterHref({ before: runs[runs.length - 1].startTime })} rel="next">
            Older runs
          </a>
        )}
      </nav>
    </section>
  );
}

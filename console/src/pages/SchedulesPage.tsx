/** Every trigger: its kind and timetable, the next fire times, paused or not, its last runs; pause, trigger now. */
import { useEffect, useState } from 'preact/hooks';
import { api, type TriggerView } from '../api';
import { runHref } from '../router';
import { StatusBadge } from '../status';

export function SchedulesPage() {
  const [triggers, setTriggers] = useState<TriggerView[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [message, setMessage] = useState<string | undefined>();

  const load = () =>
    api.schedules().then(
      (all) => (setTriggers(all), setError(undefined)),
      (err: Error) => setError(err.message),
    );
  useEffect(() => {
    void load();
    const timer = setInterval(load, 5000);
    return () => clearInterval(timer);
  }, []);

  const act = async (id: string, action: 'pause' | 'unpause' | 'trigger') => {
    try {
      setMessage((await api.scheduleAction(id, action)).message);
    } catch (err) {
      setMessage((err as Error).message);
    }
    await load();
  };

  return (
    <section aria-labelledby="schedules-title">
      <h1 id="schedules-title">Schedules</h1>
      <p role="status" class="message" aria-live="polite">
        {message}
      </p>
      {error && <p role="alert">{error}</p>}
      {triggers?.length === 0 && (
        <p>
          No triggers yet: <code>weft schedule create etl.json --cron "0 2 * * *" --id nightly</code>.
        </p>
      )}
      {triggers && triggers.length > 0 && (
        <table class="runs">
          <thead>
            <tr>
              <th scope="col">Trigger</th>
              <th scope="col">Kind</th>
              <th scope="col">Timetable</th>
              <th scope="col">Next</th>
              <th scope="col">Last runs</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {triggers.map((t) => (
              <tr key={t.id} data-schedule-id={t.id} data-paused={String(t.paused)}>
                <td>
                  <strong>{t.id}</strong>
                  <br />
                  DAG <a href={`/?dag=${encodeURIComponent(t.dag)}`}>{t.dag}</a>
                  {t.note && <p class="hint">{t.note}</p>}
                </td>
                <td>{t.kind}</td>
                <td>
                  {t.spec}
                  {t.paused && <span class="tag">paused</span>}
                </td>
                <td>
                  {t.paused || t.nextRunTimes.length === 0 ? (
                    <span class="hint">none</span>
                  ) : (
                    <ul class="plain">
                      {t.nextRunTimes.slice(0, 3).map((time) => (
                        <li key={time}>
                          <time dateTime={time}>{new Date(time).toLocaleString()}</time>
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
                <td>
                  <ul class="plain">
                    {t.recentRuns.slice(-3).map((r) => (
                      <li key={r.workflowId}>
                        <a href={runHref(r.workflowId)}>{new Date(r.startedAt).toLocaleString()}</a>{' '}
                        {r.status && <StatusBadge status={r.status} />}
                      </li>
                    ))}
                  </ul>
                </td>
                <td class="actions">
                  {t.paused ? (
                    <button type="button" data-action="unpause" onClick={() => void act(t.id, 'unpause')}>
                      Unpause
                    </button>
                  ) : (
                    <button type="button" data-action="pause" onClick={() => void act(t.id, 'pause')}>
                      Pause
                    </button>
                  )}
                  {t.kind !== 'webhook' && (
                    <button type="button" data-action="trigger" onClick={() => void act(t.id, 'trigger')}>
                      Trigger now
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

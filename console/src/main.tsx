import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { setToken } from './api';
import { interceptLinks, useLocation } from './router';
import { RunsPage } from './pages/RunsPage';
import { RunPage } from './pages/RunPage';
import { SchedulesPage } from './pages/SchedulesPage';
import { DocumentPage } from './pages/DocumentPage';
import './styles.css';

function App() {
  const { route, search } = useLocation();
  const [, setAuthTick] = useState(0);
  const current = route.page === 'run' ? 'runs' : route.page;
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="/">
          Weft
        </a>
        <nav aria-label="Pages">
          {(
            [
              ['runs', '/', 'Runs'],
              ['schedules', '/schedules', 'Schedules'],
              ['document', '/documents', 'Document'],
            ] as const
          ).map(([page, href, label]) => (
            <a key={page} href={href} aria-current={current === page ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        <TokenForm onSet={() => setAuthTick((n) => n + 1)} />
      </header>
      <main id="main">
        {route.page === 'runs' && <RunsPage search={search} />}
        {route.page === 'run' && <RunPage key={route.workflowId} workflowId={route.workflowId} />}
        {route.page === 'schedules' && <SchedulesPage />}
        {route.page === 'document' && <DocumentPage />}
        {route.page === 'missing' && (
          <p role="alert">
            There is no page at <code>{route.path}</code>. <a href="/">See the runs</a>.
          </p>
        )}
      </main>
    </>
  );
}

/** Shown only after the API answered 401: `weft serve` with WEFT_API_TOKEN set wants the token. */
function TokenForm({ onSet }: { onSet: () => void }) {
  const [needed, setNeeded] = useState(false);
  useEffect(() => {
    const ask = () => setNeeded(true);
    addEventListener('weft:unauthorized', ask);
    return () => removeEventListener('weft:unauthorized', ask);
  }, []);
  if (!needed) return null;
  return (
    <form
      class="token"
      onSubmit={(e) => {
        e.preventDefault();
        const value = new FormData(e.currentTarget).get('token');
        setToken(String(value ?? ''));
        setNeeded(false);
        onSet();
        location.reload();
      }}
    >
      <label>
        API token <input name="token" type="password" autoComplete="current-password" required />
      </label>
      <button type="submit">Use</button>
    </form>
  );
}

const root = document.getElementById('app')!;
interceptLinks(root);
render(<App />, root);

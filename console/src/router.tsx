/**
 * Four pages and no nesting: a pathname match and the History API are all the routing the console needs, so
 * it carries no router library. Links are plain <a href> (they open in a new tab as a person expects); a
 * plain left click is turned into a pushState.
 */
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { page: 'runs' }
  | { page: 'run'; workflowId: string }
  | { page: 'schedules' }
  | { page: 'document' }
  | { page: 'missing'; path: string };

export function routeOf(pathname: string): Route {
  if (pathname === '/' || pathname === '/runs') return { page: 'runs' };
  const run = /^\/runs\/(.+)$/.exec(pathname);
  if (run) return { page: 'run', workflowId: decodeURIComponent(run[1]) };
  if (pathname === '/schedules') return { page: 'schedules' };
  if (pathname === '/documents' || pathname === '/document') return { page: 'document' };
  return { page: 'missing', path: pathname };
}

export function navigate(href: string): void {
  history.pushState(null, '', href);
  dispatchEvent(new PopStateEvent('popstate'));
}

export function useLocation(): { route: Route; search: URLSearchParams } {
  const read = () => ({ route: routeOf(location.pathname), search: new URLSearchParams(location.search) });
  const [where, setWhere] = useState(read);
  useEffect(() => {
    const update = () => setWhere(read());
    addEventListener('popstate', update);
    return () => removeEventListener('popstate', update);
  }, []);
  return where;
}

/** Same-origin links navigate without a reload; modified clicks (new tab, new window) are the browser's. */
export function interceptLinks(root: HTMLElement): void {
  root.addEventListener('click', (event) => {
    const link = (event.target as Element).closest?.('a');
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey)
      return;
    if (link.target || link.origin !== location.origin || link.hasAttribute('download')) return;
    event.preventDefault();
    navigate(link.pathname + link.search);
  });
}

export const runHref = (workflowId: string) => `/runs/${encodeURIComponent(workflowId)}`;

import { useEffect, useState } from 'react';

export type Route =
  | { page: 'workflows' }
  | { page: 'editor'; workflowId: string; runId?: string }
  | { page: 'templates' }
  | { page: 'reviews' }
  | { page: 'review'; reviewId: string }
  | { page: 'users' }
  | { page: 'audit' }
  | { page: 'security' }
  | { page: 'packages' };

/** Routes live in the hash (`#/workflows/<id>?run=<runId>`), so the server needs no route table for the editor. */
export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean);
  const run = new URLSearchParams(query).get('run') ?? undefined;
  if (parts[0] === 'workflows' && parts[1]) return { page: 'editor', workflowId: parts[1], ...(run ? { runId: run } : {}) };
  if (parts[0] === 'templates') return { page: 'templates' };
  if (parts[0] === 'reviews' && parts[1]) return { page: 'review', reviewId: parts[1] };
  if (parts[0] === 'reviews') return { page: 'reviews' };
  if (parts[0] === 'users') return { page: 'users' };
  if (parts[0] === 'audit') return { page: 'audit' };
  if (parts[0] === 'security') return { page: 'security' };
  if (parts[0] === 'packages') return { page: 'packages' };
  return { page: 'workflows' };
}

export function href(route: Route): string {
  switch (route.page) {
    case 'editor': return `#/workflows/${route.workflowId}${route.runId ? `?run=${route.runId}` : ''}`;
    case 'templates': return '#/templates';
    case 'reviews': return '#/reviews';
    case 'review': return `#/reviews/${route.reviewId}`;
    case 'users': return '#/users';
    case 'audit': return '#/audit';
    case 'security': return '#/security';
    case 'packages': return '#/packages';
    default: return '#/';
  }
}

export function navigate(route: Route): void {
  window.location.hash = href(route);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

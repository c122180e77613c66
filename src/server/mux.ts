/** What the host does with a request path, given the `--http-server-path` prefix. */
export type Route = { serve: true } | { serve: false; redirect?: string };

/**
 * Matches a path the way Go's ServeMux reads one pattern: `/` matches
 * everything, `/app/` the subtree below it (and `/app` is redirected there),
 * `/app` only itself.
 */
export function route(prefix: string, path: string): Route {
  if (prefix.endsWith('/')) {
    if (path.startsWith(prefix)) return SERVE;
    if (path === prefix.slice(0, -1)) return { serve: false, redirect: prefix };
    return NOT_FOUND;
  }
  return path === prefix ? SERVE : NOT_FOUND;
}

const SERVE: Route = { serve: true };
const NOT_FOUND: Route = { serve: false };

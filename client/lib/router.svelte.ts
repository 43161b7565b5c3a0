/** A route: a name and a path pattern whose `:name` segments become params. */
export interface RouteDefinition<Name extends string> {
  name: Name;
  path: string;
}

export interface RouteMatch<Name extends string> {
  name: Name | 'not_found';
  params: Record<string, string>;
}

interface CompiledRoute<Name extends string> {
  name: Name;
  pattern: RegExp;
  keys: string[];
}

/**
 * The SPA's router over the history API. Same-origin `<a href>` clicks are intercepted, so pages link with
 * plain anchors; `navigate()` is for code.
 */
export class Router<Name extends string> {
  #path = $state(window.location.pathname);
  #search = $state(window.location.search);
  readonly #routes: CompiledRoute<Name>[];

  constructor(routes: readonly RouteDefinition<Name>[]) {
    this.#routes = routes.map(({ name, path }) => {
      const keys: string[] = [];
      const source = path
        .split('/')
        .map((segment) => (segment.startsWith(':') ? (keys.push(segment.slice(1)), '([^/]+)') : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('/');
      return { name, keys, pattern: new RegExp(`^${source}/?$`) };
    });
  }

  get path(): string {
    return this.#path;
  }

  get query(): URLSearchParams {
    return new URLSearchParams(this.#search);
  }

  /** The path plus query, e.g. to come back after signing in. */
  get location(): string {
    return this.#path + this.#search;
  }

  get route(): RouteMatch<Name> {
    for (const route of this.#routes) {
      const found = route.pattern.exec(this.#path);
      if (!found) continue;
      const params: Record<string, string> = {};
      route.keys.forEach((key, index) => (params[key] = decodeURIComponent(found[index + 1] ?? '')));
      return { name: route.name, params };
    }
    return { name: 'not_found', params: {} };
  }

  navigate(to: string, options: { replace?: boolean } = {}): void {
    const url = new URL(to, window.location.href);
    if (url.pathname === this.#path && url.search === this.#search) return;
    window.history[options.replace ? 'replaceState' : 'pushState'](null, '', url.pathname + url.search + url.hash);
    this.#sync();
    window.scrollTo(0, 0);
  }

  /** Listens to back/forward and to link clicks; returns the function that stops listening. */
  start(): () => void {
    const onPopState = () => this.#sync();
    const onClick = (event: MouseEvent) => {
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      const anchor = event.target instanceof Element ? event.target.closest('a') : null;
      if (!anchor || anchor.target || anchor.hasAttribute('download') || !anchor.href) return;
      const url = new URL(anchor.href);
      if (url.origin !== window.location.origin || url.pathname.startsWith('/api/')) return;
      event.preventDefault();
      this.navigate(url.pathname + url.search + url.hash);
    };
    window.addEventListener('popstate', onPopState);
    document.addEventListener('click', onClick);
    return () => {
      window.removeEventListener('popstate', onPopState);
      document.removeEventListener('click', onClick);
    };
  }

  #sync(): void {
    this.#path = window.location.pathname;
    this.#search = window.location.search;
  }
}

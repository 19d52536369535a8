/**
 * The registered routes as (pattern, methods), so that a request for a known path with an
 * unregistered method gets 405 with `Allow` (RFC 9110 §15.5.6) instead of Fastify's 404.
 */
export class RouteTable {
  private readonly byPattern = new Map<string, { regex: RegExp; methods: Set<string> }>();

  add(url: string, methods: string | string[]): void {
    let entry = this.byPattern.get(url);
    if (entry === undefined) {
      const source = url
        .split('/')
        .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('/');
      entry = { regex: new RegExp(`^${source.replace(/\/$/, '')}/?$`), methods: new Set() };
      this.byPattern.set(url, entry);
    }
    for (const m of Array.isArray(methods) ? methods : [methods]) entry.methods.add(m.toUpperCase());
  }

  /** Methods allowed on a concrete path, or null when no route matches it. */
  allowed(path: string): string[] | null {
    const out = new Set<string>();
    for (const { regex, methods } of this.byPattern.values()) {
      if (regex.test(path)) for (const m of methods) out.add(m);
    }
    return out.size === 0 ? null : [...out].sort();
  }
}

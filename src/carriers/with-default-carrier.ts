import type { CarrierPlan, CarrierPlanSource } from './carrier-plan.js';

/**
 * The operator's stored plan with the `--carrier` shortcut (or the built-in PSTN simulator) as
 * the fallback: stored carriers and routes always win; while no stored route has the default
 * prefix '', the shortcut's carrier is the default route, so numbers outside every stored prefix
 * still reach it. A stored default route replaces it entirely. The merged plan is rebuilt only
 * when the stored one changes.
 */
export function withDefaultCarrier(stored: CarrierPlanSource, fallback: CarrierPlanSource): CarrierPlanSource {
  let merged: CarrierPlan | null = null;
  const listeners = new Set<() => void>();
  stored.onChange(() => {
    merged = null;
    for (const l of [...listeners]) l();
  });
  return {
    current() {
      merged ??= merge(stored.current(), fallback.current());
      return merged;
    },
    onChange(listener) {
      const entry = () => listener();
      listeners.add(entry);
      return () => {
        listeners.delete(entry);
      };
    },
  };
}

function merge(stored: CarrierPlan, fallback: CarrierPlan): CarrierPlan {
  if (stored.routes.some((r) => r.prefix === '')) return stored;
  if (stored.carriers.size === 0 && stored.routes.length === 0) return fallback;
  const carriers = new Map(stored.carriers);
  for (const [sid, c] of fallback.carriers) if (!carriers.has(sid)) carriers.set(sid, c);
  return { carriers, routes: [...stored.routes, ...fallback.routes.filter((r) => r.prefix === '')] };
}

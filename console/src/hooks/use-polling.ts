/**
 * Data that refreshes itself: loaded once, then again every `intervalMs` (and when the tab comes
 * back into view), without a reload. The previous answer stays on screen while the next one
 * loads, so the page keeps its scroll position, its open details and its filters; a failed
 * refresh keeps the last good data and says so.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export const REFRESH_INTERVAL_MS = 15_000;

export interface Polled<T> {
  data?: T;
  error?: unknown;
  loading: boolean;
  /** When `data` was last loaded. */
  loadedAt?: Date;
  refresh: () => void;
}

export function usePolling<T>(
  load: () => Promise<T>,
  /** Whatever `load` depends on: a change starts over (and clears the old data). */
  key: string,
  intervalMs: number = REFRESH_INTERVAL_MS,
): Polled<T> {
  const [state, setState] = useState<{ key: string; data?: T; error?: unknown; loadedAt?: Date }>({ key });
  const [loading, setLoading] = useState(true);
  const loadRef = useRef(load);
  loadRef.current = load;
  const generation = useRef(0);

  const run = useCallback(() => {
    const mine = ++generation.current;
    setLoading(true);
    loadRef.current().then(
      (data) => {
        if (mine !== generation.current) return; // a newer load (or a new key) won
        setState({ key, data, loadedAt: new Date() });
        setLoading(false);
      },
      (error: unknown) => {
        if (mine !== generation.current) return;
        setState((previous) => ({ ...(previous.key === key ? previous : { key }), error }));
        setLoading(false);
      },
    );
  }, [key]);

  useEffect(() => {
    run();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') run();
    }, intervalMs);
    const onVisible = () => {
      if (document.visibilityState === 'visible') run();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
      generation.current++;
    };
  }, [run, intervalMs]);

  const current = state.key === key ? state : { key };
  return {
    ...(current.data !== undefined ? { data: current.data } : {}),
    ...(current.error !== undefined ? { error: current.error } : {}),
    ...(current.loadedAt ? { loadedAt: current.loadedAt } : {}),
    loading,
    refresh: run,
  };
}

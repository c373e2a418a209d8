// A component whose code is loaded on first use (a separate chunk), so the popup's first load
// carries only what the list needs. Kept tiny instead of preact/compat's lazy + Suspense.
import { h, type ComponentChildren, type ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export interface Lazy<P> {
  Component: ComponentType<P & { fallback?: ComponentChildren }>;
  /** Starts loading (once); resolves when the component can render. */
  preload: () => Promise<unknown>;
}

export function lazy<P extends object>(load: () => Promise<ComponentType<P>>): Lazy<P> {
  let loaded: ComponentType<P> | null = null;
  let pending: Promise<unknown> | null = null;
  const preload = () =>
    (pending ??= load().then(
      (c) => (loaded = c),
      (e: unknown) => {
        pending = null; // a later use tries again
        throw e;
      },
    ));
  function Component(props: P & { fallback?: ComponentChildren }) {
    const [, setReady] = useState(!!loaded);
    useEffect(() => {
      // Loaded between this render and its effect (e.g. by an idle preload): render it now, or
      // nothing else would ever re-render this fallback.
      if (loaded) return setReady(true);
      let live = true;
      preload().then(
        () => live && setReady(true),
        (e: unknown) => console.error('[unified-inbox] a view did not load', e),
      );
      return () => {
        live = false;
      };
    }, []);
    if (!loaded) return (props.fallback ?? null) as never;
    const { fallback: _, ...rest } = props;
    return h(loaded as ComponentType<object>, rest);
  }
  return { Component, preload };
}

/** Runs `task` once the page is idle (after first paint), where the browser can say so. */
export function whenIdle(task: () => void): () => void {
  const g = globalThis as {
    requestIdleCallback?: (cb: () => void, o?: { timeout: number }) => number;
    cancelIdleCallback?: (id: number) => void;
  };
  if (g.requestIdleCallback && g.cancelIdleCallback) {
    const id = g.requestIdleCallback(task, { timeout: 2_000 });
    return () => g.cancelIdleCallback!(id);
  }
  const id = setTimeout(task, 300);
  return () => clearTimeout(id);
}

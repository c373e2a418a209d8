// What one read of a long thread costs, counted rather than timed (counts cannot be flaky): rows
// parsed, DOM queries made and elements those queries handed back. Used by the Instagram and
// Messenger adapter tests on threads grown to a few thousand rows by cloning fixture rows, and the
// verdict both draw from the counts (expectLinearRead).
import { expect } from 'vitest';
import type { PlatformAdapter } from '../../content/adapter';
import { startContentRuntime, type RuntimeHandle } from '../../content/runtime';
import type { Ingest } from '../../lib/shared/protocol';
import { RecordingTransport } from '../unit/helpers/transport';

export interface Cost {
  rowsParsed: number;
  /** querySelector(All), matches, closest calls. */
  queries: number;
  /** Elements handed back by querySelectorAll: the work a whole-thread query per row would show. */
  returned: number;
  ms: number;
}

type Patched = { obj: object; key: string; orig: (...a: unknown[]) => unknown };

/** Counts DOM queries while `run` runs (happy-dom's own internals call through the same methods). */
export async function counting(run: () => Promise<void>): Promise<Omit<Cost, 'rowsParsed'>> {
  let queries = 0;
  let returned = 0;
  const patched: Patched[] = [];
  for (const proto of [Element.prototype, Document.prototype, DocumentFragment.prototype]) {
    for (const key of ['querySelector', 'querySelectorAll', 'matches', 'closest']) {
      if (!Object.prototype.hasOwnProperty.call(proto, key)) continue;
      const orig = (proto as unknown as Record<string, (...a: unknown[]) => unknown>)[key]!;
      patched.push({ obj: proto, key, orig });
      Object.defineProperty(proto, key, {
        configurable: true,
        writable: true,
        value: function (this: unknown, ...a: unknown[]) {
          queries++;
          const r = orig.apply(this, a);
          if (key === 'querySelectorAll') returned += (r as NodeList).length;
          return r;
        },
      });
    }
  }
  const t0 = performance.now();
  try {
    await run();
  } finally {
    for (const p of patched) Object.defineProperty(p.obj, p.key, { configurable: true, writable: true, value: p.orig });
  }
  return { queries, returned, ms: performance.now() - t0 };
}

export interface Reader {
  runtime: RuntimeHandle;
  ingests: Ingest[];
  /** The cost of everything from `change` until the runtime is idle again. */
  measure(change: () => void): Promise<Cost>;
}

/** The real runtime over the page as it is (URL check off: happy-dom is not the app's origin). */
export async function startReader(adapter: PlatformAdapter): Promise<{ reader: Reader; first: Cost }> {
  const transport = new RecordingTransport();
  let runtime!: RuntimeHandle;
  const idle = () => new Promise((r) => setTimeout(r, 5)).then(() => runtime.idle());
  const first = await counting(async () => {
    runtime = startContentRuntime({ ...adapter, isActiveUrl: () => true }, document, transport, {
      debounceMs: 0,
      maxWaitMs: 0,
      log: () => {},
    });
    await idle();
  });
  const reader: Reader = {
    runtime,
    get ingests() {
      return transport.ingests();
    },
    async measure(change) {
      const before = runtime.stats.rowsParsed;
      const c = await counting(async () => {
        change();
        await idle();
      });
      return { ...c, rowsParsed: runtime.stats.rowsParsed - before };
    },
  };
  return { reader, first: { ...first, rowsParsed: runtime.stats.rowsParsed } };
}

/** A thread of `rows` rows: its first read, and the read after one appended message. */
export interface ReadSample {
  rows: number;
  first: Cost;
  one: Cost;
}

/**
 * The first read is linear in the rows and one new message costs one parsed row and the same
 * queries, at a small and a 10× bigger thread; the figures are printed for the record.
 */
export function expectLinearRead(platform: string, small: ReadSample, big: ReadSample): void {
  console.log(
    `${platform} read: ${small.rows} rows first ${small.first.ms.toFixed(0)} ms, +1 ${small.one.ms.toFixed(1)} ms; ` +
      `${big.rows} rows first ${big.first.ms.toFixed(0)} ms, +1 ${big.one.ms.toFixed(1)} ms ` +
      `(queries +1: ${small.one.queries} / ${big.one.queries}; elements returned, first read per row: ${(small.first.returned / small.rows).toFixed(1)} / ${(big.first.returned / big.rows).toFixed(1)})`,
  );
  expect(big.first.rowsParsed).toBeGreaterThanOrEqual(big.rows);
  // A whole-thread query per row would hand back ~rows elements per row: 10× more per row at 10× the rows.
  expect(big.first.returned / big.rows).toBeLessThan(1.5 * (small.first.returned / small.rows));
  expect(small.one.rowsParsed).toBe(1);
  expect(big.one.rowsParsed).toBe(1);
  expect(big.one.queries).toBe(small.one.queries);
}

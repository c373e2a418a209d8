// Small DOM and timing helpers shared by the adapters and the runtime.

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Poll `check` until it holds or `timeoutMs` passes. */
export async function waitUntil(check: () => boolean, timeoutMs: number, stepMs = 25): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (check()) return true;
    if (Date.now() >= until) return false;
    await sleep(stepMs);
  }
}

/** At most `max` characters (page text is capped before it leaves the page). */
export const cap = (s: string, max: number): string => (s.length > max ? s.slice(0, max) : s);

/** Whitespace runs folded to one space, ends trimmed: labels as a person reads them. */
export const clean = (s: string): string => s.replace(/\s+/g, ' ').trim();

// Page actions one after another: a send and a sweep never act on the page at once.

export interface PageQueue {
  /** Run `task` once every task queued before it has ended (whether it succeeded or not). */
  run<T>(task: () => Promise<T>): Promise<T>;
}

export function createPageQueue(): PageQueue {
  let chain: Promise<unknown> = Promise.resolve();
  return {
    run(task) {
      const next = chain.then(task);
      chain = next.catch(() => undefined);
      return next;
    },
  };
}

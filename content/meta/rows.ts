// What the Meta adapters (Instagram, Messenger) know about a message row comes in two parts: facts
// read from the row's own node (its text, sender heading, side, a date break's label), and state
// carried down from the rows above it (the day the nearest date break names, the sender of the
// burst). Both are kept per node, so a read parses a row by reading its node once and taking the
// carried state from the row just above: a read costs the rows it parses, not the thread.
import type { RowContext } from '../adapter';

export interface RowStep<F, S> {
  facts: F;
  /** The state carried into this row from the rows above (null at the top). */
  above: S | null;
  /** The state this row hands down to the row below. */
  below: S;
}

export interface RowFlow<F, S> {
  /**
   * The row's facts and carried state. With a context (the runtime's read, in document order) the
   * row above was just parsed or has not changed since it was, so its state is taken as it is;
   * without one (a lone call) every row from the top to this one is read again.
   */
  step(row: Element, at: RowContext | undefined, rowsOf: () => readonly Element[]): RowStep<F, S>;
  /** The state a row handed down when it was last parsed, if it was. */
  below(row: Element): S | undefined;
}

export function rowFlow<F, S>(
  readFacts: (row: Element) => F,
  carry: (above: S | null, facts: F, rows: readonly Element[], index: number) => S,
): RowFlow<F, S> {
  const factsOf = new WeakMap<Element, F>();
  const belowOf = new WeakMap<Element, S>();

  function one(rows: readonly Element[], index: number, above: S | null, nodeChanged: boolean): RowStep<F, S> {
    const row = rows[index]!;
    let facts = nodeChanged ? undefined : factsOf.get(row);
    if (facts === undefined) {
      facts = readFacts(row);
      factsOf.set(row, facts);
    }
    const below = carry(above, facts, rows, index);
    belowOf.set(row, below);
    return { facts, above, below };
  }

  /** Every row from the top to `index`, each read from its node again. */
  function fromTop(rows: readonly Element[], index: number): RowStep<F, S> {
    let above: S | null = null;
    for (let i = 0; i < index; i++) above = one(rows, i, above, true).below;
    return one(rows, index, above, true);
  }

  return {
    step(row, at, rowsOf) {
      if (at && at.rows[at.index] === row) {
        if (at.index === 0) return one(at.rows, 0, null, at.nodeChanged);
        const above = belowOf.get(at.rows[at.index - 1]!);
        if (above !== undefined) return one(at.rows, at.index, above, at.nodeChanged);
        return fromTop(at.rows, at.index);
      }
      const rows = rowsOf();
      const index = rows.indexOf(row);
      return index < 0 ? one([row], 0, null, true) : fromTop(rows, index);
    },
    below: (row) => belowOf.get(row),
  };
}

/**
 * Typed slot keys: how plugins hand facts to later phases (e.g. the authenticated consumer) without
 * string-keyed bags and without importing each other. A slot is an index into a per-request array.
 */
export interface Slot<T> {
  readonly id: number;
  readonly name: string;
  /** Phantom field carrying the value type; never set. */
  readonly __type?: T;
}

let nextSlotId = 0;

/** Declare a slot once at module level; `ctx.get(slot)` / `ctx.set(slot, value)` use it. */
export function createSlot<T>(name: string): Slot<T> {
  return { id: nextSlotId++, name };
}

/** How many slots exist; the Context sizes its slot array with this. */
export function slotCount(): number {
  return nextSlotId;
}

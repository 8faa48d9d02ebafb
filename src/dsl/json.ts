/**
 * JSON values as Weft passes them around: the document, activity inputs and outputs, expression results.
 * Everything here is defensive about what JSON.parse cannot produce (functions, undefined, prototypes),
 * because documents also arrive from TypeScript callers and expression results come from a library.
 */

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * Deeper documents are refused rather than walked: recursion this deep is never a real DAG document and
 * would only risk a stack overflow in the validator or the workflow sandbox.
 */
export const MAX_JSON_DEPTH = 200;

/** A plain data object: not null, not an array, not a class instance other than Object (or no prototype). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === null || proto === Object.prototype;
}

/**
 * True if `value` survives a JSON round trip unchanged (finite numbers, no undefined, plain objects only) and no
 * value in it is more than MAX_JSON_DEPTH levels below `value` itself (which sits at `depth`).
 * A value from TypeScript can contain itself (never JSON) or share one object in many places: each object is
 * looked at once, so neither makes this exponential.
 */
export function isJsonValue(value: unknown, depth = 0): value is JsonValue {
  return jsonHeight(value, depth, new Map()) >= 0;
}

const IN_PROGRESS = -2;

/** How many levels `value` nests below itself, or -1 if it is not JSON or too deep; `seen` memoises objects. */
function jsonHeight(value: unknown, depth: number, seen: Map<object, number>): number {
  if (depth > MAX_JSON_DEPTH) return -1;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return 0;
  if (typeof value === 'number') return Number.isFinite(value) ? 0 : -1;
  if (typeof value !== 'object') return -1;
  const known = seen.get(value);
  if (known !== undefined) return known === IN_PROGRESS || depth + known > MAX_JSON_DEPTH ? -1 : known; // a cycle, or too deep here
  const items = Array.isArray(value) ? value : isPlainObject(value) ? Object.values(value) : undefined;
  if (items === undefined) return -1;
  seen.set(value, IN_PROGRESS);
  let height = 0;
  for (const item of items) {
    const below = jsonHeight(item, depth + 1, seen);
    if (below < 0) return -1;
    if (below + 1 > height) height = below + 1;
  }
  seen.set(value, height);
  return height;
}

/** Defines `key` as an own property, so a key named "__proto__" stays data instead of replacing the prototype. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * A deep copy whose objects have no prototype, so an expression reading `x.constructor` or `x.__proto__`
 * finds nothing. Non-JSON leaves (functions, symbols, undefined) are dropped, as JSON.stringify would.
 */
export function toNullPrototypeJson(value: unknown, depth = 0): unknown {
  if (depth > MAX_JSON_DEPTH) throw new RangeError(`value is nested more than ${MAX_JSON_DEPTH} levels deep`);
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) return value.map((item) => toNullPrototypeJson(item, depth + 1) ?? null);
  if (typeof value === 'object') {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return toNullPrototypeJson(toJSON.call(value), depth + 1);
    const out = Object.create(null) as Record<string, unknown>;
    for (const [key, item] of Object.entries(value)) {
      const copy = toNullPrototypeJson(item, depth + 1);
      if (copy !== undefined) out[key] = copy;
    }
    return out;
  }
  return undefined;
}

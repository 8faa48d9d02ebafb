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

/** True if `value` survives a JSON round trip unchanged (finite numbers, no undefined, plain objects only). */
export function isJsonValue(value: unknown, depth = 0): value is JsonValue {
  if (depth > MAX_JSON_DEPTH) return false;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((item) => isJsonValue(item, depth + 1));
  if (isPlainObject(value)) return Object.values(value).every((item) => isJsonValue(item, depth + 1));
  return false;
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

/**
 * Typed references to values a run only knows later (an upstream node's output, the run's input), for
 * the builder. A reference is a JSONata expression with a TypeScript type; placed in a node's input it
 * becomes "${ expr }", so the document stays plain DSL v1.
 */
const REF = Symbol.for('weft.ref');
const TEXT = Symbol.for('weft.text');

/** A value of type T known when the node runs. */
export interface Ref<T> {
  readonly [REF]: string;
  /** Phantom: carries T for the compiler only. */
  readonly __type?: T;
}

/** A reference you can keep reading fields of: `nodes.charge.output.receipt.id`. */
export type RefTree<T> = Ref<T> &
  (0 extends 1 & T
    ? { readonly [key: string]: RefTree<any> }
    : T extends readonly (infer E)[]
      ? { readonly [index: number]: RefTree<E> }
      : T extends object
        ? { readonly [K in keyof T]-?: RefTree<T[K]> }
        : unknown);

/** T, where any part may instead be a reference to a value of that type. */
export type Templated<T> =
  | Ref<T>
  | (0 extends 1 & T
      ? any
      : T extends readonly (infer E)[]
        ? readonly Templated<E>[]
        : T extends (...args: any[]) => any
          ? never
          : T extends object
            ? { [K in keyof T]: Templated<T[K]> }
            : T);

/**
 * What a template evaluates to: every reference replaced by the type it refers to, so
 * `{ rows: nodes.count.output.rows }` (a `RefTree<number>` inside) is `{ rows: number }`.
 */
export type Resolved<V> =
  V extends Ref<infer T>
    ? T
    : V extends readonly (infer E)[]
      ? Resolved<E>[]
      : V extends (...args: any[]) => any
        ? never
        : V extends object
          ? { -readonly [K in keyof V]: Resolved<V[K]> }
          : V;

export function isRef(value: unknown): value is Ref<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && REF in value;
}

export function expressionOf(ref: Ref<unknown>): string {
  return ref[REF];
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function step(path: string, key: string): string {
  if (/^\d+$/.test(key)) return `${path}[${key}]`;
  return IDENTIFIER.test(key) ? `${path}.${key}` : `${path}.\`${key.replace(/`/g, '')}\``;
}

/** A reference to `expression`, whose fields can be read further (each read extends the path). */
export function refTo<T>(expression: string): RefTree<T> {
  const target = { [REF]: expression } as object;
  return new Proxy(target, {
    get(obj, key) {
      if (key === REF) return expression;
      if (typeof key === 'symbol') return (obj as Record<symbol, unknown>)[key];
      if (key === 'toJSON') return () => `\${ ${expression} }`;
      return refTo(step(expression, key));
    },
    has: (_obj, key) => key === REF,
  }) as RefTree<T>;
}

/** A bare JSONata expression with a type, for what references cannot say: `expr<number>('$count(nodes.a.output)')`. */
export function expr<T = unknown>(expression: string): Ref<T> {
  return { [REF]: expression } as Ref<T>;
}

/**
 * JSONata with references inlined: jsonata`${nodes.check.output.region} = 'eu'` is the condition
 * `nodes.check.output.region = 'eu'`. For `when` and computed values.
 */
export function jsonata<T = unknown>(parts: TemplateStringsArray, ...refs: Ref<unknown>[]): Ref<T> {
  let text = parts[0];
  refs.forEach((ref, i) => (text += `(${expressionOf(ref)})${parts[i + 1]}`));
  return expr<T>(text);
}

/** A string with references interpolated: text`order ${nodes.reserve.output.id} reserved`. */
export function text(parts: TemplateStringsArray, ...refs: Ref<unknown>[]): Ref<string> {
  // A literal "${" is written "$${" in templates; a replacer function, since '$$' means '$' in a replacement string.
  const literal = (part: string) => part.replace(/\$\{/g, () => '$${');
  let template = literal(parts[0]);
  refs.forEach((ref, i) => (template += `\${ ${expressionOf(ref)} }${literal(parts[i + 1])}`));
  // A lone reference would keep its own type; $string makes the result text, as the type says.
  if (refs.length === 1 && parts[0] === '' && parts[1] === '') template = `\${ $string(${expressionOf(refs[0])}) }`;
  // As an expression (inside jsonata`` or `when`): the same string built with JSONata's `&`.
  const pieces: string[] = [];
  parts.forEach((part, i) => {
    if (part) pieces.push(JSON.stringify(part));
    if (i < refs.length) pieces.push(`$string(${expressionOf(refs[i])})`);
  });
  return { [REF]: pieces.join(' & ') || '""', [TEXT]: template } as unknown as Ref<string>;
}

/** Replaces references by their template strings, recursively; everything else is copied as is. */
export function serializeTemplated(value: unknown): unknown {
  if (isRef(value)) {
    const template = (value as unknown as Record<symbol, string | undefined>)[TEXT];
    return template ?? `\${ ${expressionOf(value)} }`;
  }
  if (Array.isArray(value)) return value.map(serializeTemplated);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, serializeTemplated(v)]));
  }
  return value;
}

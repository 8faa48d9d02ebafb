/**
 * The one way src/dsl calls JSONata. JSONata 1.8 keeps its regex engine in a module-wide variable that every
 * `jsonata()` call sets, to RegExp when the call passes no `RegexEngine`, and reads it when an expression
 * evaluates a regex. So a single call without the option (once: reading the built-ins' definitions) made the
 * next expression evaluated match with JavaScript's backtracking engine: in a fresh workflow, the first one.
 * Every call passes `LinearRegex`, always.
 */
import jsonata from 'jsonata';
import { LinearRegex } from './linear-regex';

/** JSONata 1.8 takes options its type definitions do not declare. */
const withOptions = jsonata as unknown as (
  source: string,
  options: { RegexEngine: typeof LinearRegex },
) => jsonata.Expression;

export type JsonataExpression = jsonata.Expression;

export function compileJsonata(source: string): JsonataExpression {
  return withOptions(source, { RegexEngine: LinearRegex });
}

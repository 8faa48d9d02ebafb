/**
 * Regular expressions in Weft expressions run on RE2 (the re2js port: pure JavaScript, so it runs in the
 * workflow sandbox), not on JavaScript's backtracking engine. RE2 matches in time linear in the input, so
 * `/(a+)+$/` cannot backtrack catastrophically; the price is that backreferences and lookaround, which need
 * backtracking, are refused when the document is validated.
 *
 * JSONata accepts a `RegexEngine` option: a class constructed from the parsed RegExp literal that offers
 * `lastIndex` and `exec()` as RegExp does. `LinearRegex` is that class.
 */
import { RE2JS } from 're2js';
import { activeBudget, CHARS_PER_UNIT } from './expression-budget';

/** Why a regex literal cannot run on RE2, or undefined when it can. */
export function linearRegexProblem(literal: RegExp): string | undefined {
  if (/\\k<|\\[1-9]/.test(literal.source)) {
    return `regex /${shorten(literal.source)}/ uses a backreference, which Weft does not run (matching must stay linear in time)`;
  }
  try {
    compile(literal);
    return undefined;
  } catch (err) {
    const why = err instanceof Error ? err.message.replace(/^error parsing regexp: /, '') : String(err);
    return `regex /${shorten(literal.source)}/ cannot run in linear time (${why}); lookaround and backreferences are not supported, repeat counts are at most 1000`;
  }
}

function shorten(source: string): string {
  return source.length > 60 ? `${source.slice(0, 57)}...` : source;
}

function compile(literal: RegExp): RE2JS {
  let flags = 0;
  if (literal.flags.includes('i')) flags |= RE2JS.CASE_INSENSITIVE;
  if (literal.flags.includes('m')) flags |= RE2JS.MULTILINE;
  return RE2JS.compile(RE2JS.translateRegExp(literal.source), flags);
}

type Matcher = ReturnType<RE2JS['matcher']>;

/** What JSONata reads of a match: `[whole, ...groups]` with `index`. */
type ExecResult = Array<string | undefined> & { index: number; input: string };

export class LinearRegex {
  lastIndex = 0;
  private readonly pattern: RE2JS;
  /** The matcher of the last input: `$match` and `$replace` call `exec` once per match on the same string. */
  private last: { input: string; matcher: Matcher } | undefined;

  constructor(literal: RegExp) {
    this.pattern = compile(literal);
  }

  exec(input: string): ExecResult | null {
    if (this.last?.input !== input) this.last = { input, matcher: this.pattern.matcher(input) };
    const { matcher } = this.last;
    const from = this.lastIndex;
    const found = from <= input.length && matcher.find(from);
    // Each match costs about as much as 16 steps of data work, plus the characters scanned to find it.
    activeBudget()?.charge(
      16 + Math.ceil(((found ? matcher.end() : input.length) - from) / CHARS_PER_UNIT),
      'regular expression matching',
    );
    if (!found) {
      this.lastIndex = 0;
      return null;
    }
    const groups: Array<string | undefined> = [];
    for (let i = 0; i <= matcher.groupCount(); i++) groups.push(matcher.group(i) ?? undefined);
    this.lastIndex = matcher.end();
    return Object.assign(groups, { index: matcher.start(), input });
  }
}

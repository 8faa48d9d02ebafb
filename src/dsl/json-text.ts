/**
 * JSON text -> value, with a syntax error reported as a line and column. JSON.parse does the parsing; this only
 * locates its complaint, because V8 names a position for some errors and not others ("Unexpected token '}', ...").
 */

export type JsonTextResult =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: string };

const END_OF_INPUT = /Unexpected end of JSON input/;
const POSITION = /(?: in JSON)? at position (\d+)(?: \(line \d+ column \d+\))?/;

/** Does JSON.parse fail inside the first `length` characters (rather than only by running out of text)? */
function failsWithin(text: string, length: number): boolean {
  try {
    JSON.parse(text.slice(0, length));
    return false;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (END_OF_INPUT.test(message)) return false;
    const position = POSITION.exec(message);
    return position === null || Number(position[1]) < length;
  }
}

/**
 * The offset of the offending character. A prefix that stops before it parses as "incomplete", one that includes
 * it fails the same way as the whole text, so the boundary can be found by bisection.
 */
function errorOffset(text: string, message: string): number | undefined {
  if (END_OF_INPUT.test(message)) return undefined;
  const position = POSITION.exec(message);
  if (position !== null) return Number(position[1]);
  let low = 0;
  let high = text.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (failsWithin(text, mid)) high = mid;
    else low = mid + 1;
  }
  return low - 1;
}

function lineAndColumn(text: string, offset: number): string {
  if (offset >= text.length) return 'at the end of the text';
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return `at line ${line} column ${offset - lineStart + 1}`;
}

/** V8's wording, minus the parts that repeat the input or a position we print better. */
function cleanMessage(message: string): string {
  return message
    .replace(POSITION, '')
    .replace(/^(Unexpected token '.+?'), (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, '$1');
}

export function parseJsonText(text: string): JsonTextResult {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const offset = errorOffset(text, message);
    const where = offset === undefined ? '' : ` ${lineAndColumn(text, Math.max(0, offset))}`;
    return { ok: false, reason: `${cleanMessage(message)}${where}` };
  }
}

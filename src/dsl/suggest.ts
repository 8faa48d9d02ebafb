/** "Did you mean ...?" for typos in field names and node ids. */

/**
 * Optimal-string-alignment distance (insert, delete, substitute, swap two neighbours), or `limit + 1` for anything
 * further apart. Callers only care about near misses, so only the cells within `limit` of the diagonal are computed
 * (every cell outside it is over the limit): O(length * limit), not O(length^2), which matters for two long,
 * similar strings. `rows` are three scratch rows, reused across calls: every cell read is written first.
 */
function distance(a: string, b: string, limit: number, rows: [number[], number[], number[]]): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  // Comparisons rather than Math.min in the inner loop: this runs for every id of a large document.
  const over = limit + 1;
  let before = rows[0];
  let previous = rows[1];
  let current = rows[2];
  for (let j = 0; j <= b.length && j <= over; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const low = i > limit ? i - limit : 1;
    const high = i + limit < b.length ? i + limit : b.length;
    // The cells just outside this row's band are read by this row and the next: mark them over the limit.
    current[low - 1] = i <= limit ? i : over;
    current[high + 1] = over;
    let rowMin = current[low - 1]!;
    for (let j = low; j <= high; j++) {
      let value = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      const up = previous[j]! + 1;
      const left = current[j - 1]! + 1;
      if (up < value) value = up;
      if (left < value) value = left;
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1] && before[j - 2]! + 1 < value)
        value = before[j - 2]! + 1;
      if (value > over) value = over;
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > limit) return over;
    const free = before;
    before = previous;
    previous = current;
    current = free;
  }
  return previous[b.length]!;
}

/**
 * Longer words and candidates are left out: node ids have at most 64 characters and field names fewer, so nothing
 * longer is within two edits of one (and comparing a megabyte word with its near copy would only cost time).
 */
const MAX_SUGGESTION_LENGTH = 66;

/** The candidate closest to `word` (case-insensitively) if it is a plausible typo: 1 edit for words of up to 4 letters, else 2. */
export function closestMatch(word: string, candidates: Iterable<string>): string | undefined {
  if (word.length > MAX_SUGGESTION_LENGTH) return undefined;
  const lower = word.toLowerCase();
  const limit = word.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = limit + 1;
  const rows: [number[], number[], number[]] = [[], [], []];
  for (const candidate of candidates) {
    if (candidate === word || candidate.length > MAX_SUGGESTION_LENGTH) continue;
    const d = distance(lower, candidate.toLowerCase(), limit, rows);
    // A one-letter word is one edit from every other one-letter word: never a useful suggestion.
    if (d < bestDistance && d < word.length) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** `; did you mean "retry"?`, or the empty string when nothing is close. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const match = closestMatch(word, candidates);
  // Quoted as JSON: a candidate (a node id as written) may hold quotes or line breaks.
  return match === undefined ? '' : `; did you mean ${JSON.stringify(match)}?`;
}

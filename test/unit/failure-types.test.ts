import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FAILURE_TYPES, TIMEOUT_FAILURE_TYPES } from '../../src/dsl/failure-types';

describe('the error types Weft gives', () => {
  it('are all documented in docs/dsl.md, and the table there names no other', () => {
    const docs = readFileSync(join(__dirname, '../../docs/dsl.md'), 'utf8');
    const section = docs.slice(
      docs.indexOf('### Error types'),
      docs.indexOf('The result travels as one Temporal payload'),
    );
    const documented = [...section.matchAll(/^\| (.+?) \|/gm)].flatMap((row) =>
      [...row[1]!.matchAll(/`([A-Za-z]+)`/g)].map((m) => m[1]!),
    );
    const known = [...Object.values(FAILURE_TYPES), ...Object.values(TIMEOUT_FAILURE_TYPES)];
    expect(documented.sort()).toEqual(known.sort());
  });

  it('are distinct', () => {
    const names = Object.values(FAILURE_TYPES);
    expect(new Set(names).size).toBe(names.length);
  });
});

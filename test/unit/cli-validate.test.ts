import { weft } from '../cli-harness';

describe('weft validate', () => {
  it('prints all four problems of a document with a cycle, an unknown dependency, a bad duration and a duplicate id, and exits 2', async () => {
    const { code, stdout } = await weft(['validate', 'test/fixtures/four-problems.json']);
    expect(code).toBe(2);
    const lines = stdout.split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^nodes\[5\]\.id: .*duplicate.*"a"/i),
        expect.stringMatching(/^nodes\[3\]\.dependsOn\[0\]: unknown node "ghost"/),
        expect.stringMatching(/^nodes\[4\]\.timeout\.startToClose: .*"soon"/),
        expect.stringMatching(/a -> b -> c -> a|a -> c -> b -> a|c -> b -> a -> c|b -> c -> a -> b/),
      ]),
    );
  });

  it('gives one clear line for a file that is not JSON', async () => {
    const { code, stdout } = await weft(['validate', 'test/fixtures/not-json.json']);
    expect(code).toBe(2);
    expect(stdout.split('\n')).toHaveLength(1);
    expect(stdout).toMatch(/not valid JSON/);
  });

  it('gives one clear line for an empty file', async () => {
    const { code, stdout } = await weft(['validate', 'test/fixtures/empty.json']);
    expect(code).toBe(2);
    expect(stdout.split('\n')).toHaveLength(1);
    expect(stdout).toMatch(/empty/);
  });

  it('accepts every example and says so', async () => {
    const files = ['examples/etl-diamond.json', 'examples/order-saga.json', 'examples/fan-out-fan-in.json'];
    const { code, stdout } = await weft(['validate', ...files]);
    expect(stdout).toBe(files.map((f) => `${f}: valid`).join('\n'));
    expect(code).toBe(0);
  });

  it('names a missing file in one sentence and exits 2', async () => {
    const { code, stderr } = await weft(['validate', 'test/fixtures/nope.json']);
    expect(code).toBe(2);
    expect(stderr).toBe('weft: There is no file "test/fixtures/nope.json".');
  });

  it('exits 2 on unknown commands and flags', async () => {
    expect((await weft(['frobnicate'])).code).toBe(2);
    expect((await weft(['validate', '--bogus', 'x.json'])).code).toBe(2);
  });
});

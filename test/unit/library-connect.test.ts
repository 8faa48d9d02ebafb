/**
 * The library connecting by itself, without a server: the Web UI link a local dev server's address gives,
 * and the sentence a worker made without a connection throws when nothing answers.
 */
import { guessUiUrl } from '../../src/connection';
import { WeftSetupError } from '../../src/errors';
import { createWeftWorker } from '../../src/worker/create-worker';

describe('the Web UI of a local dev server', () => {
  it.each([
    ['localhost:7233', 'http://localhost:8233'],
    ['127.0.0.1:7999', 'http://127.0.0.1:8999'],
  ])('is one port up by 1000 from %s', (address, ui) => {
    expect(guessUiUrl(address)).toBe(ui);
  });

  it.each(['my-ns.a1b2c.tmprl.cloud:7233', '10.0.0.5:7233', 'temporal.internal:7233'])(
    'is not guessed for %s, which may be any server',
    (address) => {
      expect(guessUiUrl(address)).toBeUndefined();
    },
  );
});

describe('createWeftWorker without a connection', () => {
  const saved = process.env.TEMPORAL_ADDRESS;
  afterEach(() => {
    if (saved === undefined) delete process.env.TEMPORAL_ADDRESS;
    else process.env.TEMPORAL_ADDRESS = saved;
  });

  it('connects to TEMPORAL_ADDRESS and says in one sentence that nothing answers there', async () => {
    process.env.TEMPORAL_ADDRESS = '127.0.0.1:1';
    const made = createWeftWorker({ activities: { greet: async () => 'hello' } });
    await expect(made).rejects.toBeInstanceOf(WeftSetupError);
    await expect(made).rejects.toThrow(
      /^Cannot reach the Temporal server at 127\.0\.0\.1:1 \(.*\); start one with `weft server` or `weft dev`, or set TEMPORAL_ADDRESS/,
    );
  });
});

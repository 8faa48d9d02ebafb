/**
 * Weft's sentences wrap what went wrong underneath; the original error stays reachable as `cause`, so a
 * caller (or a stack printed for a bug report) still sees the system's own error and its code.
 */
import { readText, parseJsonArgument } from '../../src/client/documents';
import { connectionConfigFromEnv } from '../../src/connection';
import { loadActivityModule } from '../../src/activities/registry';
import { WeftSetupError, WeftUsageError } from '../../src/errors';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('wrapped errors keep their cause', () => {
  it('a file that cannot be read', () => {
    const err = thrown(() => readText('/nonexistent/weft-doc.json'));
    expect(err).toBeInstanceOf(WeftUsageError);
    expect((err as Error).cause).toMatchObject({ code: 'ENOENT' });
  });

  it('an argument that is not JSON', () => {
    const err = thrown(() => parseJsonArgument('{nope', '--input'));
    expect(err).toBeInstanceOf(WeftUsageError);
    expect((err as Error).cause).toBeInstanceOf(SyntaxError);
  });

  it('a TLS file that cannot be read', () => {
    const err = thrown(() => connectionConfigFromEnv({ TEMPORAL_TLS_CA: '/nonexistent/ca.pem' }));
    expect(err).toBeInstanceOf(WeftSetupError);
    expect((err as Error).cause).toMatchObject({ code: 'ENOENT' });
  });

  it('an activities module that cannot be loaded', () => {
    const err = thrown(() => loadActivityModule('./no-such-activities-module', '/nonexistent'));
    expect(err).toBeInstanceOf(WeftSetupError);
    expect((err as Error).cause).toMatchObject({ code: 'MODULE_NOT_FOUND' });
  });
});

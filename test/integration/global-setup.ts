/**
 * One Temporal server for the whole test run: the real dev server on free ports, in memory, unless
 * TEMPORAL_ADDRESS names one already running. The workflow bundle is made once here too, so each test
 * file's worker starts in milliseconds instead of re-bundling.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { startDevServer } from '../../src/server/dev-server';
import { WEFT_PAYLOAD_CONVERTER_PATH } from '../../src/worker/create-worker';

export default async function globalSetup(): Promise<void> {
  if (!process.env.TEMPORAL_ADDRESS) {
    const server = await startDevServer({ port: 0, headless: true, log: (l) => process.stderr.write(l + '\n') });
    (globalThis as any).__weftServer = server;
    process.env.WEFT_TEST_ADDRESS = server.address;
  } else {
    process.env.WEFT_TEST_ADDRESS = process.env.TEMPORAL_ADDRESS;
  }
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('./workflows'),
    payloadConverterPath: WEFT_PAYLOAD_CONVERTER_PATH,
    logger: {
      trace() {},
      debug() {},
      info() {},
      warn() {},
      error: (m: string) => process.stderr.write(m + '\n'),
      log() {},
    } as any,
  });
  const dir = mkdtempSync(join(tmpdir(), 'weft-test-'));
  const codePath = join(dir, 'workflow-bundle.js');
  writeFileSync(codePath, code);
  process.env.WEFT_TEST_BUNDLE = codePath;
}

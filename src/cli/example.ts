/** `weft dev --example FILE`: run one document on the fresh dev setup and show what happened. */
import type { WeftConnectionConfig } from '../connection';
import { loadDocumentOrThrow } from '../client/documents';
import { WeftClient } from '../client/weft-client';
import { printResult, runLinks, watchRun } from './dag-commands';
import type { Output } from './output';

export async function runExample(config: WeftConnectionConfig, file: string, io: Output): Promise<number> {
  const document = loadDocumentOrThrow(file);
  const weft = await WeftClient.connect(config);
  try {
    const run = await weft.start(document);
    io.err(`Running the example ${file} as ${run.workflowId}`);
    const result = await watchRun(run, io);
    printResult(result, io, false);
    for (const line of runLinks(run)) io.out(line);
    return result.status === 'SUCCEEDED' ? 0 : 1;
  } finally {
    await weft.close();
  }
}

/** `weft graph`: a document's DAG, or a run's with each node's status, as Mermaid or Graphviz DOT. */
import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { loadCheckedDocumentOrThrow } from '../client/documents';
import { graphOfDocument } from '../dsl/graph-model';
import { toDot, toMermaid } from '../dsl/graph-text';
import { WeftUsageError } from '../errors';
import { withClient } from './dag-commands';
import type { Output } from './output';

const RENDERERS = { mermaid: toMermaid, dot: toDot } as const;

export function registerGraphCommand(program: Command, io: Output): void {
  program
    .command('graph')
    .description(
      'the DAG as Mermaid (default) or Graphviz DOT, from a document, or from a run with the status of each node',
    )
    .argument('<file|workflowId>', 'a document file, or the workflow id of a run')
    .option('--format <format>', 'mermaid or dot', 'mermaid')
    .addHelpText(
      'after',
      '\nExamples:\n  weft graph examples/etl-diamond.json\n' +
        '  weft graph examples/etl-diamond.json --format dot | dot -Tsvg > etl-diamond.svg\n' +
        '  weft graph etl-diamond-20261120T120000Z-a1b2c3',
    )
    .action(async (target: string, flags: { format: string }) => {
      const render = rendererFor(flags.format);
      if (isDocumentPath(target)) {
        io.out(render(graphOfDocument(loadCheckedDocumentOrThrow(target))));
        return;
      }
      await withClient(async (weft) => {
        const run = weft.getRun(target);
        // The document first: an unknown run, or one that is not a DAG run, is refused there with a sentence.
        const document = await run.document();
        const view = await run.state();
        io.out(render(graphOfDocument(document), { ...view.nodes, ...view.onExit?.nodes }));
      });
    });
}

function rendererFor(format: string): (typeof RENDERERS)[keyof typeof RENDERERS] {
  if (!Object.hasOwn(RENDERERS, format)) {
    throw new WeftUsageError(`--format must be mermaid or dot; got "${format}".`);
  }
  return RENDERERS[format as keyof typeof RENDERERS];
}

/** A file that exists is a document; so is a missing `.json`, which then fails as "There is no file". */
function isDocumentPath(target: string): boolean {
  return /\.(json|ya?ml)$/i.test(target) || Boolean(statSync(target, { throwIfNoEntry: false })?.isFile());
}

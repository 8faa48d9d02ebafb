/** examples/etl-diamond.json written with the typed builder; `build()` gives the same document. */
import { dag, expr, text } from '../src/workflow';

export const etlDiamond = dag<{}, { day: string; rows: number }>('etl-diamond', {
  description: 'Extract once, transform two ways in parallel, load both results.',
  input: { day: '2026-11-20', rows: 1200 },
  defaults: { retry: { maxAttempts: 3, initialInterval: '1s' }, timeout: { startToClose: '1m' } },
})
  .activity('extract', 'weft.echo', { input: ({ input }) => ({ table: 'orders', day: input.day, rows: input.rows }) })
  .activity('clean', 'weft.echo', {
    dependsOn: ['extract'],
    input: ({ nodes }) => ({
      kept: expr<number>('$round(nodes.extract.output.rows * 0.98)'),
      source: nodes.extract.output.table,
    }),
  })
  .activity('aggregate', 'weft.echo', {
    dependsOn: ['extract'],
    input: ({ nodes }) => ({ summary: text`orders on ${nodes.extract.output.day}: ${nodes.extract.output.rows}` }),
  })
  .activity('load', 'weft.echo', {
    dependsOn: ['clean', 'aggregate'],
    input: ({ nodes }) => ({ rowsLoaded: nodes.clean.output.kept, report: nodes.aggregate.output.summary }),
  })
  .output(({ nodes }) => ({ loaded: nodes.load.output.rowsLoaded, report: nodes.load.output.report }))
  .build();

/**
 * What a person sees of a DAG run: its view (the state query), its final result, and while it runs the live
 * markdown of the Web UI's "current details" and the WeftStatus search attribute. The markdown is built from
 * the tracker's counts and its short list of nodes worth a look, so publishing costs the same for 10 nodes
 * as for 10,000.
 */
import { setCurrentDetails, upsertSearchAttributes, type WorkflowInfo } from '@temporalio/workflow';
import { releaseCommands } from '../dsl/intervention';
import { searchStatus } from '../dsl/run-decisions';
import {
  fitRunResult,
  MARKDOWN_MAX_ROWS,
  nodeResults,
  renderRunMarkdown,
  type CompensationSummary,
  type ExitOutcome,
  type RunResultError,
  type WeftRunResult,
} from '../dsl/run-result';
import type { RunStatus } from '../dsl/run-state';
import type { RunTracker } from '../dsl/run-tracker';
import type { WeftDocument } from '../dsl/schema';
import {
  consolePageUrl,
  type RefusedSignal,
  type WaitingNode,
  type WeftDagInput,
  type WeftRunView,
} from '../protocol/dag';
import { WeftStatusKey } from '../protocol/search-attributes';

export class RunPublisher {
  private publishedStatus: string | undefined;

  constructor(
    private readonly doc: WeftDocument,
    private readonly args: WeftDagInput,
    private readonly info: WorkflowInfo,
    private readonly tracker: RunTracker,
    private readonly refusedSignals: readonly RefusedSignal[] = [],
  ) {}

  waiting(): WaitingNode[] {
    return this.tracker.waiting().map((nodeId) => {
      const node = this.tracker.state.nodes[nodeId]!;
      const kind = node.waiting!.kind;
      return {
        nodeId,
        kind,
        since: node.waiting!.since,
        reason: node.reason ?? '',
        release: releaseCommands(this.info.workflowId, nodeId, kind),
      };
    });
  }

  /** The run as the state query answers it. */
  view(status: RunStatus, compensation: CompensationSummary | undefined): WeftRunView {
    return {
      workflowId: this.info.workflowId,
      runId: this.info.runId,
      dag: this.doc.name,
      status,
      nodes: nodeResults(this.tracker.state),
      waiting: this.waiting(),
      compensation,
      ...(this.refusedSignals.length > 0 ? { refusedSignals: [...this.refusedSignals] } : {}),
      ...(this.args.rerun ? { rerunOf: this.args.rerun.of } : {}),
    };
  }

  /** The finished run's result, within one payload (a larger one would get the finished run terminated). */
  result(
    status: RunStatus,
    compensation: CompensationSummary | undefined,
    output: unknown,
    error: RunResultError | undefined,
    onExit?: ExitOutcome,
  ): WeftRunResult {
    const { waiting: _waiting, compensation: _compensation, ...base } = this.view(status, undefined); // nothing waits once the run ended
    const result: WeftRunResult = { ...base, output };
    if (compensation) result.compensation = compensation;
    if (error) result.error = error;
    if (onExit) result.onExit = onExit;
    return fitRunResult(result);
  }

  publish(status: RunStatus, handoverNote: string | undefined, compensation: CompensationSummary | undefined): void {
    const state = this.tracker.state;
    const notes: string[] = [];
    if (state.paused)
      notes.push(`Paused: no new node starts until \`weft resume ${this.info.workflowId}\` (or the update "resume").`);
    for (const w of this.waiting()) {
      const commands = w.release.slice(0, -1); // the last entry names the update instead of a command
      const update = w.release[w.release.length - 1];
      notes.push(
        `**Waiting:** \`${w.nodeId}\` is ${w.reason}. Release it with ${commands.map((c) => `\`${c}\``).join(', ')}, ${update}.`,
      );
    }
    const refused = this.refusedSignals[this.refusedSignals.length - 1];
    if (refused)
      notes.push(
        `Refused signal "${refused.signal}"${refused.nodeId ? ` for \`${refused.nodeId}\`` : ''} at ${refused.at}: ${refused.reason}` +
          (this.refusedSignals.length > 1 ? ` (${this.refusedSignals.length} refused, see the state query)` : ''),
      );
    if (handoverNote) notes.push(handoverNote);
    if (this.args.carried)
      notes.push(
        `Continued from ${this.args.carried.handovers} earlier run${this.args.carried.handovers === 1 ? '' : 's'} of this workflow (continue-as-new).`,
      );
    if (state.stopping?.cause === 'failed') notes.push(`Failing: node "${state.stopping.nodeId}" failed.`);
    if (state.stopping?.cause === 'cancelled') notes.push('Cancelling: running nodes are being stopped.');
    if (state.stopping?.cause === 'timedOut')
      notes.push(`Timed out: the DAG did not end within ${this.doc.timeout}; running nodes are being stopped.`);
    if (compensation)
      notes.push(
        `Compensating (saga): ${compensation.compensated.length} undone, ${compensation.failed.length} failed.`,
      );
    const all = this.doc.nodes.length <= MARKDOWN_MAX_ROWS;
    const shown = all
      ? { ids: this.doc.nodes.map((n) => n.id), total: this.doc.nodes.length }
      : this.tracker.notable(MARKDOWN_MAX_ROWS);
    setCurrentDetails(
      renderRunMarkdown(this.doc.name, status, {
        counts: this.tracker.statusCounts(),
        rows: shown.ids.map((id) => ({ id, ...state.nodes[id]! })),
        hidden: this.doc.nodes.length - shown.ids.length,
        notes,
        ...(this.args.consoleUrl ? { consoleLink: consolePageUrl(this.args.consoleUrl, this.info.workflowId) } : {}),
      }),
    );
    const attribute = searchStatus(status, this.tracker.waitingCount);
    if (this.args.searchAttributes && this.publishedStatus !== attribute) {
      this.publishedStatus = attribute;
      upsertSearchAttributes([{ key: WeftStatusKey, value: attribute }]);
    }
  }
}

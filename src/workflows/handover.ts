/**
 * E3: a DAG's history grows with its nodes (about 3 events each) and Temporal caps it, so a long run hands
 * over to a fresh run of the same workflow id: it stops starting nodes, lets running ones finish, and
 * continues as new with its state. Waiting nodes (approvals, failures waiting for an operator) and sleep
 * nodes are carried over as they are, with their timers counted from when they began.
 */
import { allHandlersFinished, condition, makeContinueAsNewFunc, patched, workflowInfo } from '@temporalio/workflow';
import { liveStatus, mayHandOver, searchStatus } from '../dsl/run-decisions';
import { MAX_PAYLOAD_CHARS, type WeftRunResult } from '../dsl/run-result';
import type { RunTracker } from '../dsl/run-tracker';
import type { WeftDocument } from '../dsl/schema';
import type { CarriedRun, WeftDagInput } from '../protocol/dag';
import { WeftDagKey, WeftRerunOfKey, WeftStatusKey, WeftTriggerKey } from '../protocol/search-attributes';

/** Guards the continue-as-new hand-over, so runs started by older versions replay as they ran. */
export const HANDOVER_PATCH = 'weft-continue-as-new';

export class Handover {
  /**
   * `draining` once the history is long: no new node starts, and the run continues as new when nothing
   * runs. `too-large` when what it would carry over does not fit one payload: it goes on in this history.
   */
  private mode: 'no' | 'draining' | 'too-large' = 'no';
  /** Completions when this run began: a run hands over only after it made progress, so it never loops. */
  private readonly seqAtStart: number;

  constructor(
    private readonly doc: WeftDocument,
    private readonly args: WeftDagInput,
    private readonly tracker: RunTracker,
    private readonly carried: () => CarriedRun,
    /** Whether a node runs that the next run could not pick up (anything but a sleep). */
    private readonly busy: () => boolean,
  ) {
    this.seqAtStart = tracker.state.seq;
  }

  get draining(): boolean {
    return this.mode === 'draining';
  }

  /** Starts draining once the history is long and what the next run needs fits one payload. */
  check(): void {
    if (this.mode === 'no' && this.historyIsLong() && patched(HANDOVER_PATCH)) {
      this.mode = JSON.stringify(this.nextRunInput()).length <= MAX_PAYLOAD_CHARS ? 'draining' : 'too-large';
    }
  }

  /** Draining, and nothing runs that the next run could not pick up: sleeps and waits carry over, activities do not. */
  ready(pendingDecisions: number): boolean {
    return mayHandOver({
      draining: this.mode === 'draining',
      pendingDecisions,
      stopping: this.tracker.state.stopping !== null,
      running: this.tracker.running,
      runsUncarried: this.busy,
    });
  }

  async handOver(): Promise<never> {
    await condition(allHandlersFinished);
    const state = this.tracker.state;
    const status = searchStatus(liveStatus('RUNNING', state), this.tracker.waitingCount);
    const carried = this.carried();
    const continueAsNew = makeContinueAsNewFunc<(input: WeftDagInput) => Promise<WeftRunResult>>({
      typedSearchAttributes: this.args.searchAttributes
        ? [
            { key: WeftDagKey, value: this.doc.name },
            { key: WeftStatusKey, value: status },
            ...(carried.trigger.trigger ? [{ key: WeftTriggerKey, value: carried.trigger.trigger }] : []),
            ...(this.args.rerun ? [{ key: WeftRerunOfKey, value: this.args.rerun.of }] : []),
          ]
        : undefined,
    });
    // The kept nodes are in the carried state now: only the rerun's original travels on.
    const rerun = this.args.rerun && { of: this.args.rerun.of, kept: {} };
    return continueAsNew({ ...this.args, carried, ...(rerun ? { rerun } : {}) });
  }

  /** A line for the live details while a hand-over is under way or was given up. */
  note(): string | undefined {
    if (this.mode === 'draining')
      return 'Handing over to a new run (the history is long): no new node starts until the running ones finish.';
    if (this.mode === 'too-large')
      return 'Too large to hand over to a new run (the document and node outputs exceed one payload): the run goes on in this history.';
    return undefined;
  }

  private historyIsLong(): boolean {
    if (this.tracker.state.seq === this.seqAtStart) return false;
    const info = workflowInfo();
    return this.args.historyLimit !== undefined
      ? info.historyLength >= this.args.historyLimit
      : info.continueAsNewSuggested;
  }

  /** The next run's input: this one's, with where it left off. */
  private nextRunInput(): WeftDagInput {
    return { ...this.args, carried: this.carried() };
  }
}

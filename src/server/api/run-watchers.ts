/**
 * Live run views for Server-Sent Events: one watcher per followed run, however many clients follow it. A
 * watcher reads the run's view (its `state` query) every `intervalMs` while anyone listens, hands each change
 * to every listener, and stops once the run has ended (after the final view) or the last listener left.
 */
import type { WeftClient } from '../../client/weft-client';
import { runEnded } from '../../dsl/run-state';
import type { WeftRunView } from '../../protocol/dag';

export interface RunListener {
  view(view: WeftRunView): void;
  /** The run ended (its final view came first), or could not be read any more. */
  end(error?: Error): void;
}

class Watcher {
  private readonly listeners = new Set<RunListener>();
  private last: { json: string; view: WeftRunView } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly weft: WeftClient,
    private readonly workflowId: string,
    private readonly intervalMs: number,
    private readonly done: () => void,
  ) {}

  add(listener: RunListener): void {
    this.listeners.add(listener);
    if (this.last) listener.view(this.last.view); // a late listener starts from the current view
    if (this.listeners.size === 1 && !this.timer) void this.tick();
  }

  remove(listener: RunListener): void {
    this.listeners.delete(listener);
    if (this.listeners.size === 0) this.stop();
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    if (this.stopped) return;
    try {
      const view = await this.weft.getRun(this.workflowId).state();
      const json = JSON.stringify(view);
      if (json !== this.last?.json) {
        this.last = { json, view };
        for (const listener of this.listeners) listener.view(view);
      }
      if (runEnded(view.status)) return this.finish();
    } catch (err) {
      return this.finish(err as Error);
    }
    if (!this.stopped) this.timer = setTimeout(() => void this.tick(), this.intervalMs);
  }

  private finish(error?: Error): void {
    for (const listener of this.listeners) listener.end(error);
    this.listeners.clear();
    this.stop();
  }

  private stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.done();
  }
}

export class RunWatchers {
  private readonly watchers = new Map<string, Watcher>();

  constructor(
    private readonly weft: WeftClient,
    private readonly intervalMs = 500,
  ) {}

  /** Follows `workflowId`; returns the function that stops following it. */
  follow(workflowId: string, listener: RunListener): () => void {
    let watcher = this.watchers.get(workflowId);
    if (!watcher) {
      const created = new Watcher(this.weft, workflowId, this.intervalMs, () => {
        if (this.watchers.get(workflowId) === created) this.watchers.delete(workflowId);
      });
      this.watchers.set(workflowId, created);
      watcher = created;
    }
    watcher.add(listener);
    const followed = watcher;
    return () => followed.remove(listener);
  }

  /** How many runs are followed now (one watcher each). */
  get size(): number {
    return this.watchers.size;
  }
}

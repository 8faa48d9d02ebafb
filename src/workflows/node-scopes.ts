/**
 * The cancellation scopes nodes run in, so fail-fast, the DAG's timeout and run cancellation can stop them.
 * Most nodes share one scope (a new one once it was cancelled): a scope costs several promises, and each
 * promise a stack capture in the sandbox, so one scope per node was most of what a node cost to start
 * (bench/first-task.ts). Nodes a person may hold (approvals, onFailure "wait") get one of their own inside
 * it, so they can be stopped alone.
 */
import { CancellationScope } from '@temporalio/workflow';

export class NodeScopes {
  private shared: CancellationScope | undefined;
  /** The scope of each node that runs or waits, in the order they started (which fixes the order of cancels). */
  private readonly byNode = new Map<string, CancellationScope>();

  /** Runs `start` synchronously inside the shared scope, so the nodes it starts are cancelled together. */
  inShared(start: () => void): void {
    if (this.shared === undefined || this.shared.consideredCancelled) this.shared = new CancellationScope();
    let thrown: { error: unknown } | undefined;
    void this.shared.run(() => {
      try {
        start();
      } catch (error) {
        thrown = { error };
      }
      return Promise.resolve();
    });
    if (thrown) throw thrown.error;
  }

  /** Runs a node's work (inside `inShared`) in a scope of its own when `own`, else in the shared one. */
  run(id: string, own: boolean, work: () => Promise<unknown>): Promise<unknown> {
    const scope = own ? new CancellationScope() : this.shared!;
    this.byNode.set(id, scope);
    return own ? scope.run(work) : work();
  }

  /** The node ended: nothing is left to cancel. */
  release(id: string): void {
    this.byNode.delete(id);
  }

  /** The nodes that run or wait, in the order they started. */
  active(): IterableIterator<string> {
    return this.byNode.keys();
  }

  /** Whether any node that runs or waits passes `test`. */
  some(test: (id: string) => boolean): boolean {
    for (const id of this.byNode.keys()) if (test(id)) return true;
    return false;
  }

  /** Cancels the nodes `ids`: each scope once, as many nodes share one. */
  cancel(ids: Iterable<string>): void {
    const scopes = new Set<CancellationScope>();
    for (const id of ids) {
      const scope = this.byNode.get(id);
      if (scope) scopes.add(scope);
    }
    for (const scope of scopes) scope.cancel();
  }

  cancelAll(): void {
    this.cancel(this.byNode.keys());
  }
}

/**
 * Weft's own metrics, emitted from the workflow through the SDK's workflow metric meter: replay-safe (the
 * SDK drops what a replay emits again) and exported with the SDK's own by a worker started with
 * `--metrics-port`. Tags are the DAG's name and, for nodes, their type and status: both bounded sets.
 * Nodes waiting for a person are counted as waits started and ended (a gauge per DAG would be overwritten
 * by every run of it): waiting = started - ended.
 */
import type { MetricCounter, MetricHistogram } from '@temporalio/common';
import { metricMeter } from '@temporalio/workflow';
import type { NodeState } from '../dsl/run-state';
import type { WeftNode } from '../dsl/schema';

export class RunMetrics {
  private readonly runs: MetricCounter;
  private readonly nodes: MetricCounter;
  private readonly attempts: MetricCounter;
  private readonly retries: MetricCounter;
  private readonly duration: MetricHistogram;
  private readonly scheduleDelay: MetricHistogram;
  private readonly waitsStarted: MetricCounter;
  private readonly waitsEnded: MetricCounter;

  constructor(dag: string) {
    const meter = metricMeter.withTags({ dag });
    this.runs = meter.createCounter('weft_runs_completed', 'runs', 'DAG runs that ended, by status');
    this.nodes = meter.createCounter('weft_nodes_completed', 'nodes', 'Nodes that ended, by type and status');
    this.attempts = meter.createCounter('weft_node_attempts', 'attempts', 'Attempts of the nodes that ended');
    this.retries = meter.createCounter(
      'weft_node_retries',
      'retries',
      'Attempts past the first of the nodes that ended',
    );
    this.duration = meter.createHistogram('weft_node_duration', 'int', 'ms', 'How long nodes ran, start to end');
    this.scheduleDelay = meter.createHistogram(
      'weft_schedule_delay',
      'int',
      'ms',
      'How late a triggered run started against the time it was due',
    );
    this.waitsStarted = meter.createCounter('weft_waits_started', 'nodes', 'Nodes that began waiting for a person');
    this.waitsEnded = meter.createCounter('weft_waits_ended', 'nodes', 'Nodes that stopped waiting for a person');
  }

  nodeEnded(node: WeftNode, state: NodeState): void {
    const tags = { type: node.type, status: state.status };
    this.nodes.add(1, tags);
    if (state.attempts > 0) this.attempts.add(state.attempts, { type: node.type });
    if (state.attempts > 1) this.retries.add(state.attempts - 1, { type: node.type });
    if (state.startedAt && state.endedAt)
      this.duration.record(Math.max(0, Date.parse(state.endedAt) - Date.parse(state.startedAt)), tags);
  }

  waiting(started: boolean): void {
    (started ? this.waitsStarted : this.waitsEnded).add(1);
  }

  runEnded(status: string): void {
    this.runs.add(1, { status });
  }

  /** A run a trigger started: how long after its due time it began. */
  triggered(scheduledAt: string, startedAt: string, trigger: string): void {
    this.scheduleDelay.record(Math.max(0, Date.parse(startedAt) - Date.parse(scheduledAt)), { trigger });
  }
}

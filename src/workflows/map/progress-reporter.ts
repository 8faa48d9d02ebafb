/**
 * A batch's progress, sent to the DAG's run as a signal at most once a second: often enough for a person
 * watching `weft status` or the Web UI, rarely enough that both histories stay short (a few events a second
 * per running batch, against the thousands its items take).
 */
import { sleep, type ExternalWorkflowHandle } from '@temporalio/workflow';
import { mapProgressSignal, type MapBatchProgress } from '../../protocol/map';

const REPORT_INTERVAL_MS = 1000;

export class BatchProgressReporter {
  private latest: MapBatchProgress | undefined;
  private sending = false;

  constructor(private readonly dagRun: ExternalWorkflowHandle) {}

  report(progress: MapBatchProgress): void {
    this.latest = progress;
    if (!this.sending) void this.flush();
  }

  private async flush(): Promise<void> {
    this.sending = true;
    try {
      while (this.latest) {
        const progress = this.latest;
        this.latest = undefined;
        await this.dagRun.signal(mapProgressSignal, progress);
        await sleep(REPORT_INTERVAL_MS, { summary: 'weft: pace progress reports' });
      }
    } catch {
      // The batch was cancelled or its DAG's run closed: its result (or nothing) says the rest.
    } finally {
      this.sending = false;
    }
  }
}

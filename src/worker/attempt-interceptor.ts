/**
 * Tells DAG runs on which attempt an activity succeeded (see ATTEMPT_KEY). Only activities scheduled by
 * the DAG interpreter are wrapped; TypeScript workflows calling the same activities get plain results.
 */
import type { Context } from '@temporalio/activity';
import type {
  ActivityExecuteInput,
  ActivityInboundCallsInterceptor,
  ActivityInterceptors,
  Next,
} from '@temporalio/worker';
import { ATTEMPT_KEY, DAG_WORKFLOW_TYPE } from '../protocol/names';

class AttemptInterceptor implements ActivityInboundCallsInterceptor {
  constructor(private readonly ctx: Context) {}

  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const output = await next(input);
    if (this.ctx.info.workflowType !== DAG_WORKFLOW_TYPE) return output;
    return { [ATTEMPT_KEY]: this.ctx.info.attempt, output };
  }
}

export function attemptInterceptor(ctx: Context): ActivityInterceptors {
  return { inbound: new AttemptInterceptor(ctx) };
}

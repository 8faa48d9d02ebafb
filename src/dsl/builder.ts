/**
 * A typed builder for DSL v1 documents, for people who write TypeScript rather than JSON. The compiler
 * checks node ids (unique, dependencies only on declared nodes), activity names against your activity
 * functions, each activity's input type, and the types of upstream outputs you reference. `build()`
 * returns a plain document, validated by the same schema as a hand-written one.
 *
 *   import type * as activities from './activities';
 *   const order = dag<typeof activities>('order')
 *     .activity('reserve', 'reserveStock', { input: ({ input }) => ({ sku: input.sku }) })
 *     .activity('charge', 'chargeCard', {
 *       dependsOn: ['reserve'],
 *       input: ({ nodes }) => ({ amount: nodes.reserve.output.price }),
 *       compensate: { activity: 'refund', input: ({ nodes }) => ({ chargeId: nodes.charge.output.id }) },
 *     })
 *     .build();
 *
 * Pure (no Node modules), so it also runs inside workflow code.
 */
import type { Duration } from './duration';
import { WeftValidationError } from './issues';
import { expressionOf, refTo, serializeTemplated, type Ref, type RefTree, type Resolved, type Templated } from './refs';
import type {
  ActivityTimeoutsInput,
  DefaultsInput,
  OnApprovalTimeout,
  OnFailurePolicy,
  RetryPolicyInput,
  TriggerRule,
  WeftDocumentInput,
  WorkflowTimeoutsInput,
} from './schema';
import type { NodeStatus } from './trigger-rules';
import { validateDocument } from './validate';

type AnyFunction = (...args: any[]) => any;
/** Your activities, e.g. `typeof import('./activities')`. */
export type ActivityInterface = { [name: string]: AnyFunction };

type InputOf<F> = F extends (input: infer I, ...rest: any[]) => any ? I : undefined;
type OutputOf<F> = F extends (...args: any[]) => infer R ? Awaited<R> : unknown;

/** The built-in activities every Weft worker registers (docs/dsl.md, "Built-in activities"). */
export interface BuiltinActivities {
  'weft.echo': (input: any) => Promise<any>;
  'weft.sleep': (input: { ms: number }) => Promise<{ sleptMs: number }>;
  'weft.fail': (input?: {
    message?: string;
    type?: string;
    failTimes?: number;
    nonRetryable?: boolean;
  }) => Promise<{ attempt: number }>;
  'weft.http': (input: {
    url: string;
    method?: string;
    headers?: Record<string, string>;
    body?: unknown;
    timeoutMs?: number;
  }) => Promise<{ status: number; headers: Record<string, string>; body: any }>;
}

export interface RunFacts {
  workflowId: string;
  runId: string;
  startedAt: string;
  dag: string;
  trigger: string | null;
  scheduledAt: string | null;
}

/** What a node's input (or condition) may read: upstream nodes, the run's input, the run. */
export interface BuildContext<Nodes, In> {
  nodes: {
    [K in keyof Nodes]: {
      output: RefTree<Nodes[K]>;
      status: Ref<NodeStatus>;
      error: RefTree<{ message: string; type: string | null } | null>;
    };
  };
  input: RefTree<In>;
  run: RefTree<RunFacts>;
}

/** A value, or a function of the context returning it (so it can use references). */
type Given<T, Nodes, In> = Templated<T> | ((ctx: BuildContext<Nodes, In>) => Templated<T>);

interface CommonOptions<Nodes, In> {
  description?: string;
  dependsOn?: readonly (keyof Nodes & string)[];
  trigger?: TriggerRule;
  /** A JSONata condition, or a boolean reference (see `jsonata`). */
  when?: string | Ref<boolean> | ((ctx: BuildContext<Nodes, In>) => Ref<boolean>);
  onFailure?: OnFailurePolicy;
}

type ActivityName<A> = keyof A & string;

export interface ActivityOptions<A extends ActivityInterface, F, Nodes, In, Self extends string> extends CommonOptions<
  Nodes,
  In
> {
  input?: Given<InputOf<F>, Nodes, In>;
  retry?: RetryPolicyInput;
  timeout?: ActivityTimeoutsInput;
  taskQueue?: string;
  /** The saga undo step; its input may also read this node's own output. */
  compensate?: {
    [C in ActivityName<A>]: {
      activity: C;
      input?: Given<InputOf<A[C]>, Nodes & Record<Self, OutputOf<F>>, In>;
      retry?: RetryPolicyInput;
      timeout?: ActivityTimeoutsInput;
    };
  }[ActivityName<A>];
}

/** A workflow type by name, carrying its function's type for the compiler. */
export interface WorkflowRef<W extends AnyFunction> {
  readonly workflowType: string;
  readonly __workflow?: W;
}

/** `workflowRef<typeof report>('report')`: a typed name for a workflow node or `executeDag`. */
export function workflowRef<W extends AnyFunction>(workflowType: string): WorkflowRef<W> {
  return { workflowType };
}

export interface WorkflowNodeOptions<W extends AnyFunction, Nodes, In> extends CommonOptions<Nodes, In> {
  input?: Given<Parameters<W>[0], Nodes, In>;
  taskQueue?: string;
  retry?: RetryPolicyInput;
  timeout?: WorkflowTimeoutsInput;
}

export interface SubDagNodeOptions<SubIn, Nodes, In> extends CommonOptions<Nodes, In> {
  /** The sub-DAG's input, merged over its own `input` defaults. */
  input?: Given<Partial<SubIn>, Nodes, In>;
  taskQueue?: string;
  retry?: RetryPolicyInput;
  timeout?: WorkflowTimeoutsInput;
}

/** What a map's template reads beyond a node's context: the item and its index. */
export interface MapItemContext<Nodes, In, Item> extends BuildContext<Nodes, In> {
  item: RefTree<Item>;
  index: Ref<number>;
}

/** What an item's compensation reads beyond its template's context: the item's output. */
export interface MapCompensationContext<Nodes, In, Item, Output> extends MapItemContext<Nodes, In, Item> {
  output: RefTree<Output>;
}

export interface MapOptions<A extends ActivityInterface, F, Nodes, In, Item> extends CommonOptions<Nodes, In> {
  /** The activity's input for one item, typed as its parameter; `item` is typed from the items. */
  input?: Templated<InputOf<F>> | ((ctx: MapItemContext<Nodes, In, Item>) => Templated<InputOf<F>>);
  retry?: RetryPolicyInput;
  timeout?: ActivityTimeoutsInput;
  taskQueue?: string;
  maxConcurrency?: number;
  /** Failed items allowed: a count, or a percentage such as `'5%'`. */
  toleratedFailures?: number | `${number}%`;
  /**
   * Each succeeded item's undo step when the run's saga runs (newest first, within maxConcurrency); its input
   * reads `item`, `index` and the item's `output`, and is `{ input, output }` by default.
   */
  compensate?: {
    [C in ActivityName<A>]: {
      activity: C;
      input?:
        | Templated<InputOf<A[C]>>
        | ((ctx: MapCompensationContext<Nodes, In, Item, OutputOf<F>>) => Templated<InputOf<A[C]>>);
      retry?: RetryPolicyInput;
      timeout?: ActivityTimeoutsInput;
    };
  }[ActivityName<A>];
}

/** A built document with the types of its input and output attached (for `executeDag`). */
export type TypedDag<Out = unknown, In = Record<string, unknown>> = WeftDocumentInput & {
  readonly __output?: Out;
  readonly __input?: In;
};

type NewId<Id extends string, Nodes> = Id extends keyof Nodes ? never : Id;

export interface DagOptions<In> {
  description?: string;
  /** Default input; its type is the type of `input` in expressions. */
  input?: In;
  defaults?: DefaultsInput;
  maxParallelism?: number;
  failFast?: boolean;
  /** The whole DAG must end within this long (see `timeout` in docs/dsl.md). */
  timeout?: Duration;
}

export class DagBuilder<A extends ActivityInterface, Nodes = {}, In = Record<string, unknown>, Out = null> {
  private readonly nodes: Record<string, unknown>[] = [];
  private outputValue: unknown = undefined;

  constructor(
    private readonly name: string,
    private readonly options: DagOptions<In> = {},
  ) {}

  private context(): BuildContext<Nodes, In> {
    return { nodes: refTo<any>('nodes') as never, input: refTo<In>('input'), run: refTo<RunFacts>('run') };
  }

  private given(value: unknown): unknown {
    const resolved =
      typeof value === 'function' ? (value as (ctx: BuildContext<Nodes, In>) => unknown)(this.context()) : value;
    return serializeTemplated(resolved);
  }

  private add<Id extends string, O>(
    node: Record<string, unknown>,
    common: CommonOptions<Nodes, In>,
  ): DagBuilder<A, Nodes & Record<Id, O>, In, Out> {
    const when = common.when;
    const { id, type, ...rest } = node;
    this.nodes.push(
      dropUndefined({
        id,
        type,
        description: common.description,
        dependsOn: common.dependsOn?.length ? [...common.dependsOn] : undefined,
        trigger: common.trigger,
        when:
          when === undefined
            ? undefined
            : typeof when === 'string'
              ? when
              : expressionOf(typeof when === 'function' ? when(this.context()) : when),
        onFailure: common.onFailure,
        ...rest,
      }),
    );
    return this as unknown as DagBuilder<A, Nodes & Record<Id, O>, In, Out>;
  }

  /** A node running one of your activities (or a built-in `weft.*` one). */
  activity<Id extends string, Name extends ActivityName<A & BuiltinActivities>>(
    id: NewId<Id, Nodes>,
    activity: Name,
    options: ActivityOptions<A & BuiltinActivities, (A & BuiltinActivities)[Name], Nodes, In, Id> = {},
  ): DagBuilder<A, Nodes & Record<Id, OutputOf<(A & BuiltinActivities)[Name]>>, In, Out> {
    const { compensate } = options;
    return this.add<Id, OutputOf<(A & BuiltinActivities)[Name]>>(
      {
        id,
        activity,
        input: options.input === undefined ? undefined : this.given(options.input),
        retry: options.retry,
        timeout: options.timeout,
        taskQueue: options.taskQueue,
        compensate:
          compensate &&
          dropUndefined({
            ...compensate,
            input: compensate.input === undefined ? undefined : this.given(compensate.input),
          }),
      },
      options,
    );
  }

  /** A durable timer. */
  sleep<Id extends string>(
    id: NewId<Id, Nodes>,
    duration: Duration,
    options: CommonOptions<Nodes, In> = {},
  ): DagBuilder<A, Nodes & Record<Id, null>, In, Out> {
    return this.add<Id, null>({ id, type: 'sleep', duration }, options);
  }

  /** A person approves (the data they send is the output, of type Data) or rejects. */
  approval<Id extends string, Data = unknown>(
    id: NewId<Id, Nodes>,
    options: CommonOptions<Nodes, In> & { timeout?: Duration; onTimeout?: OnApprovalTimeout } = {},
  ): DagBuilder<A, Nodes & Record<Id, Data>, In, Out> {
    return this.add<Id, Data>(
      { id, type: 'approval', timeout: options.timeout, onTimeout: options.onTimeout },
      options,
    );
  }

  /** A child workflow, e.g. one written in TypeScript: pass the function, or `workflowRef<typeof fn>('name')`. */
  workflow<Id extends string, W extends AnyFunction>(
    id: NewId<Id, Nodes>,
    workflow: W | WorkflowRef<W>,
    options: WorkflowNodeOptions<W, Nodes, In> = {},
  ): DagBuilder<A, Nodes & Record<Id, Awaited<ReturnType<W>>>, In, Out> {
    const workflowType = typeof workflow === 'function' ? workflow.name : workflow.workflowType;
    return this.add<Id, Awaited<ReturnType<W>>>(
      {
        id,
        type: 'workflow',
        workflow: workflowType,
        input: options.input === undefined ? undefined : this.given(options.input),
        taskQueue: options.taskQueue,
        retry: options.retry,
        timeout: options.timeout,
      },
      options,
    );
  }

  /**
   * A map: `activity` once per item of `items` (an array, or a reference to one, e.g. an upstream output). The
   * node's output is the array of the items' outputs, in item order; an item that failed within
   * `toleratedFailures` is `null` there (not in the type, so downstream references stay readable).
   */
  map<Id extends string, Item, Name extends ActivityName<A & BuiltinActivities>>(
    id: NewId<Id, Nodes>,
    items: readonly Item[] | ((ctx: BuildContext<Nodes, In>) => Ref<readonly Item[]>),
    activity: Name,
    options: MapOptions<A & BuiltinActivities, (A & BuiltinActivities)[Name], Nodes, In, Item> = {},
  ): DagBuilder<A, Nodes & Record<Id, Array<OutputOf<(A & BuiltinActivities)[Name]>>>, In, Out> {
    const { input, compensate } = options;
    const itemContext = (): MapCompensationContext<Nodes, In, Item, OutputOf<(A & BuiltinActivities)[Name]>> => ({
      ...this.context(),
      item: refTo<Item>('item'),
      index: refTo<number>('index'),
      output: refTo('output'),
    });
    const template = (given: unknown) =>
      given === undefined
        ? undefined
        : serializeTemplated(typeof given === 'function' ? (given as (ctx: unknown) => unknown)(itemContext()) : given);
    return this.add<Id, Array<OutputOf<(A & BuiltinActivities)[Name]>>>(
      {
        id,
        type: 'map',
        items: this.given(items),
        maxConcurrency: options.maxConcurrency,
        toleratedFailures: options.toleratedFailures,
        node: dropUndefined({
          activity,
          input: template(input),
          retry: options.retry,
          timeout: options.timeout,
          taskQueue: options.taskQueue,
          compensate: compensate && dropUndefined({ ...compensate, input: template(compensate.input) }),
        }),
      },
      options,
    );
  }

  /**
   * An inline sub-DAG, built with `dag()`: it runs as a child run of its own (its node ids and expressions are
   * its own), and its output, typed, is this node's output.
   */
  dag<Id extends string, SubOut, SubIn>(
    id: NewId<Id, Nodes>,
    subDag: TypedDag<SubOut, SubIn>,
    options: SubDagNodeOptions<SubIn, Nodes, In> = {},
  ): DagBuilder<A, Nodes & Record<Id, SubOut>, In, Out> {
    const { dsl: _dsl, name: _name, description: _description, $schema: _schema, __output, __input, ...body } = subDag;
    return this.add<Id, SubOut>(
      {
        id,
        type: 'dag',
        dag: body,
        input: options.input === undefined ? undefined : this.given(options.input),
        taskQueue: options.taskQueue,
        retry: options.retry,
        timeout: options.timeout,
      },
      options,
    );
  }

  /**
   * The run's output, evaluated when the DAG succeeded. Its type is what the template evaluates to (each
   * reference replaced by the type it refers to), and `executeDag` returns it as `result.output`.
   */
  output<V>(output: (ctx: BuildContext<Nodes, In>) => V): DagBuilder<A, Nodes, In, Resolved<V>> {
    this.outputValue = this.given(output);
    return this as unknown as DagBuilder<A, Nodes, In, Resolved<V>>;
  }

  /** The document, validated; throws WeftValidationError with every problem (e.g. a reference to a node that is not upstream). */
  build(): TypedDag<Out extends null ? unknown : Out, In> {
    const document = dropUndefined({
      dsl: 'weft/v1',
      name: this.name,
      description: this.options.description,
      input: this.options.input,
      defaults: this.options.defaults,
      maxParallelism: this.options.maxParallelism,
      failFast: this.options.failFast,
      timeout: this.options.timeout,
      nodes: this.nodes,
      output: this.outputValue,
    });
    const checked = validateDocument(document);
    if (!checked.ok) throw new WeftValidationError(checked.issues, `dag("${this.name}")`);
    return document as TypedDag<Out extends null ? unknown : Out, In>;
  }
}

function dropUndefined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Starts a typed DAG. `A` is your activities' type: `dag<typeof activities>('name')`. */
export function dag<A extends ActivityInterface = {}, In = Record<string, unknown>>(
  name: string,
  options: DagOptions<In> = {},
): DagBuilder<A, {}, In, null> {
  return new DagBuilder<A, {}, In, null>(name, options);
}

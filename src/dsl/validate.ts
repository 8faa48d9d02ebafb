/**
 * Document validation: the zod schema plus the cross-node rules a schema cannot express.
 *
 * Invariants of every document `validateDocument` accepts (the interpreter relies on them and does not re-check):
 *   V1 it matches WeftDocumentSchema (known fields only, valid types, positive durations, sane retry policies);
 *   V2 node ids are unique;
 *   V3 every `dependsOn` entry names another existing node, at most once;
 *   V4 the dependency graph is acyclic, so a topological order exists;
 *   V5 every expression parses, is deterministic, and names each node it reads statically (`nodes.<id>`);
 *   V6 a node's `input` and `when` read only its transitive upstream nodes; its `compensate.input` may also read
 *      itself; the document's `output` may read any node;
 *   V7 trigger rules that wait on upstream results (`oneSuccess`, `oneFailed`, `allFailed`) have upstream nodes.
 *
 * Every problem is reported at once: the cross-node checks run on the raw input even where the schema failed
 * elsewhere, skipping only values too malformed to interpret (a node without a string id, for instance).
 */
import { didYouMean } from './suggest';

/**
 * The most nodes one document holds. Past about 6,000 nodes the hand-over's input no longer fits one payload,
 * so the run stays in one history, and Temporal's cap of 51,200 events (about 3.2 a node) comes near 15,000:
 * 10,000 is the size measured to complete (BENCHMARKS.md). Larger fan-outs belong in sub-DAGs.
 */
export const MAX_NODES = 10_000;
/**
 * The workflow validates the document again in its first task, and JSONata parses an expression in about
 * 100-300 µs: distinct expressions that need the parser (plain `nodes.x.output.y` paths do not) are bounded by
 * count and by length, so that task stays far below the SDK's 5 s limit, whatever the document holds.
 */
export const MAX_PARSED_EXPRESSIONS = 5_000;
export const MAX_PARSED_EXPRESSION_CHARS = 500_000;

/** "Did you mean" compares an unknown name with every node id; this caps the comparisons of one validation. */
const SUGGESTION_COMPARISONS = 200_000;
import { Ancestry, findCycles, type GraphNode } from './graph';
import {
  analyzeExpression,
  analyzeTemplate,
  needsParser,
  quoteExpression,
  type ExpressionAnalysis,
} from './expressions';
import {
  capIssues,
  clipIssue,
  MAX_ISSUES,
  MAX_QUOTED_CHARS,
  quoteText,
  WeftValidationError,
  type IssuePath,
  type WeftIssue,
  type WeftIssueCode,
} from './issues';
import { isPlainObject } from './json';
import { parseJsonText } from './json-text';
import { MAX_DAG_DEPTH, NODE_ID_PATTERN, WeftDocumentSchema, type WeftDocument } from './schema';
import { schemaIssues } from './schema-issues';

export type ValidationResult =
  { readonly ok: true; readonly document: WeftDocument } | { readonly ok: false; readonly issues: WeftIssue[] };

/** `value` is the JSON as written (no defaults filled in), for callers that pass the document on unchanged. */
export type TextValidationResult =
  | { readonly ok: true; readonly document: WeftDocument; readonly value: unknown }
  | { readonly ok: false; readonly issues: WeftIssue[] };

/** Triggers that are decided by upstream results and so mean nothing on a node without upstream nodes. */
const TRIGGERS_NEEDING_UPSTREAM = new Set(['oneSuccess', 'oneFailed', 'allFailed']);

/** A node as far as it can be read from raw input. */
interface RawNode {
  readonly position: number;
  readonly id: string | undefined;
  /** String entries of `dependsOn` with their positions. */
  readonly dependsOn: readonly { readonly id: string; readonly position: number }[];
  readonly fields: Readonly<Record<string, unknown>>;
}

/** Each field is read once: a getter (from a TypeScript caller) could return something else the second time. */
function readNodes(raw: unknown): RawNode[] {
  const list = isPlainObject(raw) ? raw['nodes'] : undefined;
  if (!Array.isArray(list)) return [];
  const nodes: RawNode[] = [];
  list.forEach((fields: unknown, position) => {
    if (!isPlainObject(fields)) return;
    const rawId = fields['id'];
    const id = typeof rawId === 'string' ? rawId : undefined;
    const rawDeps = fields['dependsOn'];
    const deps: unknown[] = Array.isArray(rawDeps) ? rawDeps : [];
    const dependsOn = deps.flatMap((dep, i) => (typeof dep === 'string' ? [{ id: dep, position: i }] : []));
    nodes.push({ position, id, dependsOn, fields });
  });
  return nodes;
}

/**
 * `a -> b -> a`: ids that are not valid ids are quoted (they may hold anything), and a long cycle shows its
 * first and last nodes, so the message stays one short line.
 */
function cycleText(cycle: readonly string[]): string {
  const name = (id: string): string => (NODE_ID_PATTERN.test(id) ? id : quoteText(id));
  if (cycle.length <= 12) return cycle.map(name).join(' -> ');
  const hidden = cycle.length - 8;
  return [
    ...cycle.slice(0, 4).map(name),
    `... (${hidden.toLocaleString('en-US')} more) ...`,
    ...cycle.slice(-4).map(name),
  ].join(' -> ');
}

function nodesRef(id: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(id) ? `nodes.${id}` : `nodes.\`${id}\``;
}

/** What the checkers of a document and of its sub-DAGs share: one list of issues, one parse cache, one count. */
class Shared {
  readonly issues: WeftIssue[] = [];
  /** Issues found past MAX_ISSUES. */
  dropped = 0;
  comparisons = 0;
  /** Each distinct expression is parsed once: a generated document may repeat one in every node. */
  readonly analyses = new Map<string, ExpressionAnalysis>();
  readonly parsed = { count: 0, chars: 0 };
}

interface CheckerOptions {
  /** `onExit`: the exit handlers, checked as a DAG of their own whose expressions may also read `readable`. */
  list?: 'nodes' | 'onExit';
  /** Nodes of the enclosing DAG that expressions may read but nodes may not depend on (the exit handlers'). */
  readable?: ReadonlySet<string>;
}

/** A document's DAG, or a `dag` node's: its node ids, dependencies and expressions are its own. */
class Checker {
  private readonly ids = new Set<string>();
  /** Positions of the first node with each id; later duplicates are left out of the graph. */
  private readonly first = new Map<string, RawNode>();
  private graph: GraphNode[] = [];
  private ancestry: Ancestry | undefined;

  constructor(
    private readonly raw: unknown,
    private readonly nodes: readonly RawNode[],
    /** Where this DAG is: [] for the document, `['nodes', 3, 'dag']` for a sub-DAG. */
    private readonly prefix: IssuePath,
    private readonly shared: Shared,
    private readonly options: CheckerOptions = {},
  ) {
    for (const node of nodes) if (node.id !== undefined) this.ids.add(node.id);
    this.list = options.list ?? 'nodes';
  }

  /** The key its nodes are listed under: `nodes`, or `onExit` for the exit handlers. */
  private readonly list: 'nodes' | 'onExit';

  /**
   * Past MAX_ISSUES issues are only counted: their messages (and the suggestions in them) would not be shown.
   * So the list shows the first issues found, ordered; a document with more has them fixed in rounds.
   */
  private report(code: WeftIssueCode, path: IssuePath, message: string | (() => string)): void {
    if (this.shared.issues.length >= MAX_ISSUES) {
      this.shared.dropped++;
      return;
    }
    const text = typeof message === 'string' ? message : message();
    this.shared.issues.push({ code, path: [...this.prefix, ...path], message: text });
  }

  /** Offered while the comparisons last, so a document with thousands of unknown names among thousands of ids stays fast. */
  private suggest(word: string): string {
    this.shared.comparisons += this.ids.size;
    return this.shared.comparisons > SUGGESTION_COMPARISONS ? '' : didYouMean(word, this.ids);
  }

  private readonly analyze = (source: string): ExpressionAnalysis => {
    const { analyses, parsed } = this.shared;
    let analysis = analyses.get(source);
    if (analysis === undefined) {
      if (needsParser(source)) {
        parsed.count++;
        parsed.chars += source.length;
      }
      // Past the bounds nothing more is parsed: the document is refused anyway (checkParsedExpressions).
      const over = parsed.count > MAX_PARSED_EXPRESSIONS || parsed.chars > MAX_PARSED_EXPRESSION_CHARS;
      analysis = over ? { ok: true, references: [] } : analyzeExpression(source);
      analyses.set(source, analysis);
    }
    return analysis;
  };

  /** The parsed-expression bounds, as one issue at the document. */
  checkParsedExpressions(): void {
    const { parsed } = this.shared;
    if (parsed.count > MAX_PARSED_EXPRESSIONS || parsed.chars > MAX_PARSED_EXPRESSION_CHARS) {
      this.report(
        'WEFT_TOO_LARGE',
        [],
        `the document has more than ${MAX_PARSED_EXPRESSIONS.toLocaleString('en-US')} distinct expressions or ${MAX_PARSED_EXPRESSION_CHARS.toLocaleString('en-US')} characters of them beyond plain paths such as nodes.x.output.y (the run parses them inside a workflow task); repeat the same expression, read plain paths, or compute in an activity`,
      );
    }
  }

  /** This DAG's cross-node rules, then each sub-DAG's, in document order. */
  run(): void {
    this.checkIdsAndDependencies();
    this.checkCycles();
    this.ancestry = new Ancestry(this.graph);
    for (const node of this.nodes) this.checkNodeExpressions(node);
    if (this.list === 'nodes') this.checkOutput();
    for (const node of this.nodes) {
      const sub = subDagOf(node.fields);
      if (sub !== undefined) {
        const at = [this.list, node.position, ...sub.path];
        new Checker(sub.body, readNodes(sub.body), [...this.prefix, ...at], this.shared).run();
      }
    }
  }

  private checkIdsAndDependencies(): void {
    for (const node of this.nodes) {
      const at = [this.list, node.position] as const;
      if (node.id !== undefined && this.options.readable?.has(node.id)) {
        this.report(
          'WEFT_DUPLICATE_ID',
          [...at, 'id'],
          `duplicate id ${quoteText(node.id)}: a node of the DAG already uses it; exit handlers need ids of their own`,
        );
      }
      if (node.id !== undefined) {
        const earlier = this.first.get(node.id);
        if (earlier !== undefined) {
          this.report(
            'WEFT_DUPLICATE_ID',
            [...at, 'id'],
            `duplicate id ${quoteText(node.id)}: ${this.list}[${earlier.position}] already uses it; node ids must be unique`,
          );
        } else {
          this.first.set(node.id, node);
        }
      }
      const seen = new Set<string>();
      const edges: string[] = [];
      for (const dep of node.dependsOn) {
        const path = [...at, 'dependsOn', dep.position];
        if (dep.id === node.id) {
          this.report(
            'WEFT_SELF_DEPENDENCY',
            path,
            `node ${quoteText(dep.id)} depends on itself; remove ${quoteText(dep.id)} from its dependsOn`,
          );
        } else if (seen.has(dep.id)) {
          this.report(
            'WEFT_DUPLICATE_DEPENDENCY',
            path,
            `${quoteText(dep.id)} is already listed in dependsOn; remove the repeat`,
          );
        } else if (this.options.readable?.has(dep.id)) {
          this.report(
            'WEFT_NOT_UPSTREAM',
            path,
            `${quoteText(dep.id)} is a node of the DAG; exit handlers run once it has ended and depend only on each other (their expressions may read it)`,
          );
        } else if (!this.ids.has(dep.id)) {
          this.report('WEFT_UNKNOWN_NODE', path, () => `unknown node ${quoteText(dep.id)}${this.suggest(dep.id)}`);
        } else {
          edges.push(dep.id);
        }
        seen.add(dep.id);
      }
      const trigger = node.fields['trigger'];
      if (typeof trigger === 'string' && TRIGGERS_NEEDING_UPSTREAM.has(trigger) && node.dependsOn.length === 0) {
        this.report(
          'WEFT_BAD_TRIGGER',
          [...at, 'trigger'],
          `trigger "${trigger}" is decided by upstream results, but this node has no dependsOn; add upstream nodes or remove the trigger`,
        );
      }
      if (node.id !== undefined && this.first.get(node.id) === node) this.graph.push({ id: node.id, dependsOn: edges });
    }
  }

  private checkCycles(): void {
    for (const cycle of findCycles(this.graph)) {
      // Point at the dependsOn entry that closes the cycle at its first node: start depends on the id before it.
      const start = this.first.get(cycle[0]!)!;
      const closing = cycle[cycle.length - 2]!;
      const entry = start.dependsOn.find((dep) => dep.id === closing);
      const path =
        entry === undefined
          ? [this.list, start.position, 'dependsOn']
          : [this.list, start.position, 'dependsOn', entry.position];
      this.report(
        'WEFT_CYCLE',
        path,
        () =>
          `dependency cycle ${cycleText(cycle)} (each node depends on the one before it); remove one of these dependencies`,
      );
    }
  }

  private checkNodeExpressions(node: RawNode): void {
    const at = [this.list, node.position];
    const { when, type = 'activity', input, compensate } = node.fields;
    if (typeof when === 'string') {
      const analysis = this.analyze(when);
      if (!analysis.ok)
        this.report(
          'WEFT_BAD_EXPRESSION',
          [...at, 'when'],
          `expression ${quoteExpression(when)} is invalid: ${analysis.reason}`,
        );
      else for (const ref of analysis.references) this.checkReference([...at, 'when'], when, ref, node, false);
    }
    if ((type === 'activity' || type === 'workflow' || type === 'dag') && input !== undefined)
      this.checkTemplate([...at, 'input'], input, node, false);
    if (type === 'map') this.checkMap(node);
    const undo = isPlainObject(compensate) ? compensate['input'] : undefined;
    if (undo !== undefined) this.checkTemplate([...at, 'compensate', 'input'], undo, node, true);
  }

  /**
   * A map's `items`, its template's `input` and its compensation's `input` read the map's upstream nodes (and
   * `item`, `index`, `items`; the compensation also the item's `output`).
   */
  private checkMap(node: RawNode): void {
    const at = [this.list, node.position];
    const { items, node: template } = node.fields;
    if (items !== undefined) this.checkTemplate([...at, 'items'], items, node, false);
    if (!isPlainObject(template)) return;
    if (template['input'] !== undefined) this.checkTemplate([...at, 'node', 'input'], template['input'], node, false);
    const undo = isPlainObject(template['compensate']) ? template['compensate']['input'] : undefined;
    if (undo !== undefined) this.checkTemplate([...at, 'node', 'compensate', 'input'], undo, node, false);
  }

  private checkOutput(): void {
    const output = isPlainObject(this.raw) ? this.raw['output'] : undefined;
    if (output !== undefined) this.checkTemplate(['output'], output, undefined, false);
  }

  /** `node` undefined means the document's output, which may read any node. */
  private checkTemplate(at: IssuePath, value: unknown, node: RawNode | undefined, allowSelf: boolean): void {
    const analysis = analyzeTemplate(value, this.analyze);
    for (const problem of analysis.problems)
      this.report('WEFT_BAD_EXPRESSION', [...at, ...problem.path], problem.message);
    for (const expression of analysis.expressions) {
      for (const ref of expression.references)
        this.checkReference([...at, ...expression.path], expression.source, ref, node, allowSelf);
    }
  }

  private checkReference(
    path: IssuePath,
    source: string,
    ref: string,
    node: RawNode | undefined,
    allowSelf: boolean,
  ): void {
    if (!this.ids.has(ref)) {
      if (this.options.readable?.has(ref)) return; // a DAG node, read by an exit handler: it has ended by then
      this.report(
        'WEFT_UNKNOWN_NODE',
        path,
        () => `expression ${quoteExpression(source)} reads unknown node ${quoteText(ref)}${this.suggest(ref)}`,
      );
      return;
    }
    if (node === undefined || node.id === undefined) return;
    const id = node.id;
    if (ref === id) {
      if (!allowSelf) {
        this.report(
          'WEFT_NOT_UPSTREAM',
          path,
          `${quoteText(nodesRef(ref))} is node ${quoteText(id)} itself; a node cannot read its own output (only its compensate.input can)`,
        );
      }
      return;
    }
    const ancestry = this.ancestry!;
    // Duplicates and nodes on or after a cycle have no well-defined upstream set; those problems are already reported.
    if (this.first.get(id) !== node || !ancestry.isKnown(id)) return;
    if (ancestry.isAncestor(ref, id)) return;
    if (ancestry.isKnown(ref) && ancestry.isAncestor(id, ref)) {
      this.report(
        'WEFT_NOT_UPSTREAM',
        path,
        `${quoteText(nodesRef(ref))} is not upstream of ${quoteText(id)}: ${quoteText(ref)} runs after ${quoteText(id)} (it depends on it)`,
      );
    } else {
      this.report(
        'WEFT_NOT_UPSTREAM',
        path,
        `${quoteText(nodesRef(ref))} is not upstream of ${quoteText(id)}; add ${quoteText(ref)} to dependsOn`,
      );
    }
  }
}

/** Top-level problems first, then each node's in document order, then the output's; stable within each. */
function orderIssues(issues: readonly WeftIssue[]): WeftIssue[] {
  const rank = (issue: WeftIssue): number => {
    const [head, index] = issue.path;
    if (head === 'nodes' && typeof index === 'number') return 1 + index;
    if (head === 'output') return Number.MAX_SAFE_INTEGER;
    return 0;
  };
  const seen = new Set<string>();
  const unique = issues.filter((issue) => {
    const key = JSON.stringify([issue.code, issue.path, issue.message]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique
    .map((issue, order) => ({ issue, order, rank: rank(issue) }))
    .sort((a, b) => a.rank - b.rank || a.order - b.order)
    .map(({ issue }) => issue);
}

/** Validate a parsed document (e.g. from JSON.parse or a TypeScript object literal). Never throws. */
export function validateDocument(raw: unknown, options: ValidateOptions = {}): ValidationResult {
  try {
    return validate(raw, options);
  } catch (err) {
    // JSON never gets here: only a value that throws when it is read (a getter or a Proxy from a TypeScript caller).
    return {
      ok: false,
      issues: [
        clipIssue({
          code: 'WEFT_SCHEMA',
          path: [],
          message: `the document could not be read: ${describeThrown(err)}; pass plain data`,
        }),
      ],
    };
  }
}

/** What was thrown, quoted and short; never throws itself (a thrown value's message or toString may). */
function describeThrown(err: unknown): string {
  try {
    return `reading it threw ${quoteText(err instanceof Error ? `${err.name}: ${err.message}` : String(err))}`;
  } catch {
    return 'reading it threw an exception';
  }
}

/** The inline DAG a node holds: a `dag` node's, or the template's of a map of sub-DAGs. */
function subDagOf(
  fields: Readonly<Record<string, unknown>>,
): { body: Record<string, unknown>; path: string[] } | undefined {
  if (fields['type'] === 'dag' && isPlainObject(fields['dag'])) return { body: fields['dag'], path: ['dag'] };
  const template = fields['node'];
  if (
    fields['type'] === 'map' &&
    isPlainObject(template) &&
    template['type'] === 'dag' &&
    isPlainObject(template['dag'])
  )
    return { body: template['dag'], path: ['node', 'dag'] };
  return undefined;
}

/**
 * How many nodes a document holds, its sub-DAGs' included, and how deep they nest. Walked before anything
 * else, without recursion, so a hostile nesting is refused before the schema (which recurses) sees it.
 */
function measure(raw: unknown): { nodes: number; depth: number } {
  // Stops at a nesting past MAX_DAG_DEPTH: the document is refused for it alone.
  let nodes = 0;
  let depth = 0;
  const pending: Array<{ dag: unknown; depth: number }> = [{ dag: raw, depth: 0 }];
  // The exit handlers are a DAG beside the document's, at its level (their child run is not a sub-DAG's).
  const exit = isPlainObject(raw) ? raw['onExit'] : undefined;
  if (Array.isArray(exit)) pending.push({ dag: { nodes: exit }, depth: 0 });
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const list = isPlainObject(next.dag) ? next.dag['nodes'] : undefined;
    if (!Array.isArray(list)) continue;
    nodes += list.length;
    depth = Math.max(depth, next.depth);
    if (depth > MAX_DAG_DEPTH) break;
    for (const node of list) {
      const sub = isPlainObject(node) ? subDagOf(node) : undefined;
      if (sub !== undefined) pending.push({ dag: sub.body, depth: next.depth + 1 });
    }
  }
  return { nodes, depth };
}

/** MAX_DAG_DEPTH: past it nothing else is checked (the schema recurses into sub-DAGs). */
function depthIssue(depth: number): WeftIssue {
  return {
    code: 'WEFT_TOO_LARGE',
    path: ['nodes'],
    message: `sub-DAGs nest more than ${MAX_DAG_DEPTH} levels deep (each level is a child workflow of the one around it); flatten the nesting`,
  };
}

/** MAX_NODES, sub-DAGs included: past it the cross-node checks are skipped (they would cost seconds). */
function sizeIssue(nodes: number, nested: boolean): WeftIssue {
  return {
    code: 'WEFT_TOO_LARGE',
    path: ['nodes'],
    message: `${nodes.toLocaleString('en-US')} nodes${nested ? ' (sub-DAGs included)' : ''}, over the limit of ${MAX_NODES.toLocaleString('en-US')} for one document (the run validates it in one workflow task); split the DAG into documents run by workflow nodes`,
  };
}

export interface ValidateOptions {
  /**
   * Nodes outside the document that its expressions may read: the DAG's, for the document of its exit
   * handlers (their child run gets those nodes' views in its input).
   */
  readable?: Iterable<string>;
}

function validate(raw: unknown, options: ValidateOptions): ValidationResult {
  const size = measure(raw);
  if (size.depth > MAX_DAG_DEPTH) return { ok: false, issues: [depthIssue(size.depth)] };
  // No `reportInput`: zod would serialise the input into its error message, which overflows on deep values.
  const parsed = WeftDocumentSchema.safeParse(raw);
  const shared = new Shared();
  if (size.nodes > MAX_NODES) shared.issues.push(sizeIssue(size.nodes, size.depth > 0));
  else {
    const nodes = readNodes(raw);
    const readable = options.readable ? new Set(options.readable) : undefined;
    const checker = new Checker(raw, nodes, [], shared, { readable });
    checker.run();
    checkExitHandlers(raw, nodes, shared);
    checker.checkParsedExpressions();
  }
  const schema = parsed.success ? [] : schemaIssues(parsed.error.issues.slice(0, MAX_ISSUES + 1), raw);
  const issues = [...schema, ...shared.issues];
  if (parsed.success && issues.length === 0) return { ok: true, document: parsed.data };
  const found = orderIssues(issues);
  // capIssues counts what it cuts; add what the checker only counted, and what zod found past the first ones.
  const uncounted = shared.dropped + (parsed.success ? 0 : Math.max(0, parsed.error.issues.length - MAX_ISSUES - 1));
  return { ok: false, issues: capIssues(found, uncounted) };
}

/**
 * `onExit`: a DAG of its own (ids, dependencies, cycles, expressions) whose expressions may also read every
 * node of the document's DAG, and whose ids are not the DAG's.
 */
function checkExitHandlers(raw: unknown, dagNodes: readonly RawNode[], shared: Shared): void {
  const list = isPlainObject(raw) ? raw['onExit'] : undefined;
  if (!Array.isArray(list)) return;
  const body = { nodes: list };
  const exitNodes = readNodes(body);
  const dagIds = new Set(dagNodes.flatMap((node) => (node.id === undefined ? [] : [node.id])));
  new Checker(body, exitNodes, [], shared, { list: 'onExit', readable: dagIds }).run();
}

/** A file name as a message prints it: as it is if short and plain, else quoted and cut (names can hold line breaks). */
function sourceName(source: string): string {
  return source.trim() !== '' && source.length <= MAX_QUOTED_CHARS && !/[\u0000-\u001f"]/.test(source)
    ? source
    : quoteText(source);
}

/**
 * Validate document text. Empty text and invalid JSON are one issue each, at the document's path;
 * `source` (a file name, say) only makes those two messages more specific.
 */
export function parseDocumentText(text: string, source?: string): TextValidationResult {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // editors on Windows write a BOM
  const name = source === undefined ? undefined : sourceName(source);
  if (body.trim() === '') {
    return {
      ok: false,
      issues: [
        clipIssue({
          code: 'WEFT_EMPTY_DOCUMENT',
          path: [],
          message: name === undefined ? 'the file is empty' : `${name} is empty`,
        }),
      ],
    };
  }
  const json = parseJsonText(body);
  if (!json.ok) {
    const what = name === undefined ? 'not valid JSON' : `${name} is not valid JSON`;
    return {
      ok: false,
      issues: [clipIssue({ code: 'WEFT_INVALID_JSON', path: [], message: `${what}: ${json.reason}` })],
    };
  }
  const result = validateDocument(json.value);
  return result.ok ? { ...result, value: json.value } : result;
}

/** The validated document, or a WeftValidationError listing every issue. */
export function assertValidDocument(raw: unknown, source?: string): WeftDocument {
  const result = validateDocument(raw);
  if (!result.ok) throw new WeftValidationError(result.issues, source);
  return result.document;
}

import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type DocumentNode,
  type FieldNode,
  type OperationDefinitionNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from "graphql";
import type { Limits } from "../config";
import { MAX_PAGE_SIZE } from "./connection";

// Operation limits, checked as validation rules before any resolver runs, and shared by the
// HTTP and the WebSocket transports (one list, built here). Introspection fields (__schema,
// __type) are not counted, so the playground's introspection query always passes.

export const LIMIT_ERROR_CODE = "QUERY_TOO_COMPLEX";

function limitError(message: string, limit: string, actual: number, max: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code: LIMIT_ERROR_CODE, limit, actual, max } });
}

/** Walks every selection of an operation, fragments inlined, with a guard against cycles. */
function measure(
  selectionSet: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Set<string>,
  seen: Set<string> = new Set(),
): { depth: number; aliases: number; cost: number } {
  let depth = 0;
  let aliases = 0;
  let cost = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value.startsWith("__")) continue;
      if (selection.alias) aliases++;
      const child = selection.selectionSet
        ? measure(selection.selectionSet, fragments, variables, seen)
        : { depth: 0, aliases: 0, cost: 0 };
      depth = Math.max(depth, child.depth + 1);
      aliases += child.aliases;
      cost += 1 + child.cost * pageSize(selection);
    } else {
      let inner: SelectionSetNode | undefined;
      if (selection.kind === Kind.INLINE_FRAGMENT) inner = selection.selectionSet;
      else if (!seen.has(selection.name.value)) inner = fragments[selection.name.value]?.selectionSet;
      if (!inner) continue;
      const nextSeen = selection.kind === Kind.FRAGMENT_SPREAD ? new Set([...seen, selection.name.value]) : seen;
      const child = measure(inner, fragments, variables, nextSeen);
      depth = Math.max(depth, child.depth);
      aliases += child.aliases;
      cost += child.cost;
    }
  }
  return { depth, aliases, cost };
}

/** A connection field multiplies the cost of its subtree by its page size (worst case for variables). */
function pageSize(field: FieldNode): number {
  const first = field.arguments?.find((a) => a.name.value === "first");
  if (!first) return 1;
  if (first.value.kind === Kind.INT) return Math.max(1, Math.min(Number(first.value.value), MAX_PAGE_SIZE));
  return MAX_PAGE_SIZE;
}

export function limitRules(limits: Limits): ValidationRule[] {
  const rule = (context: ValidationContext): ASTVisitor => {
    const fragments: Record<string, FragmentDefinitionNode> = {};
    for (const def of context.getDocument().definitions) {
      if (def.kind === Kind.FRAGMENT_DEFINITION) fragments[def.name.value] = def;
    }
    return {
      OperationDefinition(operation) {
        const m = measure(operation.selectionSet, fragments, new Set());
        if (m.depth > limits.maxDepth) {
          context.reportError(
            limitError(
              `Query is nested ${m.depth} levels deep; the limit is ${limits.maxDepth}.`,
              "depth",
              m.depth,
              limits.maxDepth,
            ),
          );
        }
        if (m.aliases > limits.maxAliases) {
          context.reportError(
            limitError(
              `Query uses ${m.aliases} aliases; the limit is ${limits.maxAliases}.`,
              "aliases",
              m.aliases,
              limits.maxAliases,
            ),
          );
        }
        if (m.cost > limits.maxCost) {
          context.reportError(
            limitError(
              `Query's estimated cost is ${m.cost}; the limit is ${limits.maxCost}. Ask for smaller pages or fewer fields.`,
              "cost",
              m.cost,
              limits.maxCost,
            ),
          );
        }
      },
    };
  };
  return [rule];
}

/** Parse options that bound the work of parsing itself. */
export function parseOptions(limits: Limits) {
  return { maxTokens: limits.maxTokens };
}

export function isTokenLimitError(message: string): boolean {
  // graphql-js words it "more that N tokens" (sic); accept both spellings.
  return /Document contains more th(?:an|at) \d+ tokens/.test(message);
}

// ---------------------------------------------------------------------------- throttle cost

/**
 * The cost an operation is charged against its key's and tenant's buckets, known before it
 * runs (Shopify's scheme, so integrators can reason about it the same way): a field that
 * returns an object costs 1, a scalar 0, and a connection (a field with `first`) 2 plus
 * `first` times its subtree, `first` read from the literal or the request's variables.
 * Introspection is free.
 */
export function requestedCost(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | null | undefined,
): number {
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments[def.name.value] = def;
  const walk = (set: SelectionSetNode, seen: ReadonlySet<string>): number => {
    let cost = 0;
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) {
        if (s.name.value.startsWith("__") || !s.selectionSet) continue;
        const inner = walk(s.selectionSet, seen);
        const first = s.arguments?.find((a) => a.name.value === "first");
        if (!first) cost += 1 + inner;
        else {
          let n: number = MAX_PAGE_SIZE;
          if (first.value.kind === Kind.INT) n = Number(first.value.value);
          else if (first.value.kind === Kind.VARIABLE && typeof variables?.[first.value.name.value] === "number")
            n = variables[first.value.name.value] as number;
          cost += 2 + Math.max(1, Math.min(n, MAX_PAGE_SIZE)) * inner;
        }
      } else if (s.kind === Kind.INLINE_FRAGMENT) cost += walk(s.selectionSet, seen);
      else if (!seen.has(s.name.value) && fragments[s.name.value])
        cost += walk(fragments[s.name.value].selectionSet, new Set([...seen, s.name.value]));
    }
    return cost;
  };
  // Every operation costs at least 1: a stream of free `{ __typename }` is still requests.
  return Math.max(1, walk(operation.selectionSet, new Set()));
}

/**
 * The fields of an operation that can hold objects, merged across fragments as graphql-js
 * merges them into one answer object: response key, then what is selected below it.
 */
type ObjectFields = Array<[responseKey: string, below: ObjectFields]>;

function objectFields(
  selectionSets: readonly SelectionSetNode[],
  fragments: Record<string, FragmentDefinitionNode>,
): ObjectFields {
  const below = new Map<string, SelectionSetNode[]>();
  const collect = (set: SelectionSetNode, seen: Set<string>): void => {
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) {
        if (!s.selectionSet) continue;
        const key = s.alias?.value ?? s.name.value;
        const sets = below.get(key);
        if (sets) sets.push(s.selectionSet);
        else below.set(key, [s.selectionSet]);
      } else if (s.kind === Kind.INLINE_FRAGMENT) collect(s.selectionSet, seen);
      else if (!seen.has(s.name.value) && fragments[s.name.value])
        collect(fragments[s.name.value].selectionSet, new Set([...seen, s.name.value]));
    }
  };
  for (const set of selectionSets) collect(set, new Set());
  return [...below].map(([key, sets]) => [key, objectFields(sets, fragments)]);
}

// Per parsed operation: Apollo keeps parsed documents by query text, so a query sent again
// is walked from the same fields.
const objectFieldsOf = new WeakMap<OperationDefinitionNode, ObjectFields>();

/**
 * What an answer actually cost, on the same scale: every object in the data is 1 (a page
 * that came back shorter than `first` costs less than was estimated, and the difference
 * is given back); a scalar is 0, whatever its value holds (a JSONObject). Never more than
 * was requested. The answer is walked along the operation's fields that select objects, not
 * key by key: graphql-js builds answer objects without a prototype (dictionaries), whose
 * keys are slow to enumerate, and most of their keys are scalars.
 */
export function actualCost(
  data: unknown,
  requested: number,
  document: DocumentNode | undefined,
  operation: OperationDefinitionNode | undefined,
): number {
  if (!operation || !document || data === null || typeof data !== "object") return 1;
  let fields = objectFieldsOf.get(operation);
  if (!fields) {
    const fragments: Record<string, FragmentDefinitionNode> = {};
    for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments[def.name.value] = def;
    objectFieldsOf.set(operation, (fields = objectFields([operation.selectionSet], fragments)));
  }
  let cost = 0;
  const visit = (value: unknown, fields: ObjectFields): void => {
    if (cost >= requested || value === null || typeof value !== "object") return;
    if (Array.isArray(value)) {
      for (const v of value) visit(v, fields);
      return;
    }
    cost++;
    for (const [key, below] of fields) visit((value as Record<string, unknown>)[key], below);
  };
  for (const [key, below] of fields) visit((data as Record<string, unknown>)[key], below);
  return Math.max(1, Math.min(cost, requested));
}

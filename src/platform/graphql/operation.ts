import { Kind, parse, type DocumentNode, type OperationDefinitionNode, type SelectionSetNode } from "graphql";

/** The operation a request will run: the named one, or the only one. */
export function selectedOperation(
  document: DocumentNode,
  operationName?: string | null,
): OperationDefinitionNode | null {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  if (operationName) return operations.find((o) => o.name?.value === operationName) ?? null;
  return operations.length === 1 ? operations[0] : null;
}

/**
 * Root field names of the operation in a query string, or null when it does not parse.
 * Used to allow large bodies only for the bulk operations that need them.
 */
export function rootFieldNames(
  query: string,
  operationName: string | null | undefined,
  maxTokens: number,
): string[] | null {
  try {
    const op = selectedOperation(parse(query, { maxTokens }), operationName);
    if (!op) return null;
    return op.selectionSet.selections.map((s) => (s.kind === Kind.FIELD ? s.name.value : "..."));
  } catch {
    return null;
  }
}

/** True when the operation's root selects only introspection (__schema, __type, __typename), fragments followed. */
export function onlyIntrospection(operation: OperationDefinitionNode, document: DocumentNode): boolean {
  const fragments = new Map(
    document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])),
  );
  const seen = new Set<string>();
  const only = (set: SelectionSetNode): boolean =>
    set.selections.every((s) => {
      if (s.kind === Kind.FIELD) return s.name.value.startsWith("__");
      if (s.kind === Kind.INLINE_FRAGMENT) return only(s.selectionSet);
      if (seen.has(s.name.value)) return true;
      seen.add(s.name.value);
      const fragment = fragments.get(s.name.value);
      return fragment ? only(fragment.selectionSet) : true;
    });
  return only(operation.selectionSet);
}

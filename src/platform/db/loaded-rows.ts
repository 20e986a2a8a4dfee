/** The rows a DataLoader's loadMany found (an error is rethrown, never taken for "absent"). */
export function loadedRows<T>(rows: Array<T | null | Error>): T[] {
  return rows.filter((x): x is T => {
    if (x instanceof Error) throw x;
    return x !== null;
  });
}

/** Rows in the order of their keys, null where a key found nothing. */
export function byUuid<T extends { uuid: string }>(rows: T[], keys: readonly string[]): Array<T | null> {
  const map = new Map(rows.map((r) => [r.uuid, r]));
  return keys.map((k) => map.get(k) ?? null);
}

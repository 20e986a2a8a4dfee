import { UserInputError, type UserError } from "./user-error";

/**
 * Runs a mutation's service call and shapes its payload: the result on success, or the
 * given failure result with userErrors when the service rejected the input (nothing was
 * changed, so counts are 0, lists empty and the objects the mutation would return null).
 * Any other error propagates as a GraphQL error.
 */
export async function payload<T extends object, F extends { [K in keyof T]?: unknown }>(
  run: () => Promise<T>,
  failed: F,
): Promise<(T | F) & { userErrors: UserError[] }> {
  try {
    return { ...(await run()), userErrors: [] };
  } catch (err) {
    if (err instanceof UserInputError) return { ...failed, userErrors: err.errors };
    throw err;
  }
}

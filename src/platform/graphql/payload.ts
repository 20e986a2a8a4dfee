import { UserInputError, type UserError } from "./user-error";

/**
 * Runs a mutation's service call and shapes its payload: the result on success, or the
 * given empty result with userErrors when the service rejected the input. Any other error
 * propagates as a GraphQL error.
 */
type Nullable<T> = { [K in keyof T]: T[K] | null };

export async function payload<T extends object>(
  run: () => Promise<T>,
  empty: Nullable<T>,
): Promise<Nullable<T> & { userErrors: UserError[] }> {
  try {
    return { ...(await run()), userErrors: [] };
  } catch (err) {
    if (err instanceof UserInputError) return { ...empty, userErrors: err.errors };
    throw err;
  }
}

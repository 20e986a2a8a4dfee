import { Field, ObjectType, registerEnumType } from "type-graphql";

// userErrors[].code is the GraphQL enum UserErrorCode, so a client can switch over it
// exhaustively. Each module declares the codes it raises in its own <name>.errors.ts with
// defineErrorCodes (a code, and what it means); the app assembles the enum from those sets
// before the schema is built (assembleUserErrorCodes), and a code has exactly one owner.
// Codes are branded: fail() and userError() take only a declared code, so a typo or an
// undeclared code does not compile.

declare const declared: unique symbol;
/** A code of UserErrorCode; only defineErrorCodes makes one. */
export type UserErrorCode = string & { readonly [declared]: true };

/** A module's codes: each key maps to itself, typed as a declared code. */
export type ErrorCodes<K extends string> = { readonly [P in K]: P & UserErrorCode };

const descriptionsOf = new WeakMap<object, { owner: string; descriptions: Readonly<Record<string, string>> }>();

/** Declares the codes a module raises, each with what it means (the enum value's description). */
export function defineErrorCodes<const D extends Record<string, string>>(
  owner: string,
  descriptions: D,
): ErrorCodes<keyof D & string> {
  const codes = Object.freeze(Object.fromEntries(Object.keys(descriptions).map((k) => [k, k])));
  descriptionsOf.set(codes, { owner, descriptions });
  return codes as unknown as ErrorCodes<keyof D & string>;
}

// The enum object type-graphql registers; filled once by assembleUserErrorCodes, read when
// the schema is built.
const USER_ERROR_CODE: Record<string, string> = {};
const VALUES_CONFIG: Record<string, { description: string }> = {};
registerEnumType(USER_ERROR_CODE, {
  name: "UserErrorCode",
  description:
    "Why an input was refused (userErrors[].code). Every module's codes; new codes may be added in later versions, so keep a default branch.",
  valuesConfig: VALUES_CONFIG,
});

/** Codes every module uses in the same sense. */
export const CommonErrorCode = defineErrorCodes("common", {
  NOT_FOUND:
    "No object with that id (another tenant's object reads the same); or a campaign, inbox or other reference that does not exist.",
  INVALID_NAME: "The name is empty or longer than allowed.",
  INVALID_EMAIL: "Not an email address.",
  INVALID_DOMAIN: "Not a domain name (at least two labels, no spaces, @, : or /).",
  INVALID_PROVIDER: "Not one of the providers this field accepts.",
  TAKEN: "Another object already has this unique value (a domain name, an inbox address).",
  INBOX_DOMAIN_MISMATCH: "The inbox does not belong to the campaign's sending domain.",
});

/**
 * Builds UserErrorCode from the modules' sets, in the order given (the schema prints it
 * sorted). A code declared by two sets is a bug: one meaning, one owner.
 */
const assembled = new Set<object>();
const ownerOf = new Map<string, string>();

export function assembleUserErrorCodes(sets: readonly object[]): void {
  for (const set of [CommonErrorCode, ...sets]) {
    const declaredSet = descriptionsOf.get(set);
    if (!declaredSet) throw new Error("assembleUserErrorCodes takes sets made by defineErrorCodes");
    if (assembled.has(set)) continue;
    assembled.add(set);
    for (const [code, description] of Object.entries(declaredSet.descriptions)) {
      const owner = ownerOf.get(code);
      if (owner) throw new Error(`error code ${code} is declared by both ${owner} and ${declaredSet.owner}`);
      ownerOf.set(code, declaredSet.owner);
      USER_ERROR_CODE[code] = code;
      VALUES_CONFIG[code] = { description };
    }
  }
}

/** Every code of UserErrorCode once assembled (for tests and documentation). */
export function userErrorCodes(): string[] {
  return Object.keys(USER_ERROR_CODE).sort();
}

@ObjectType("UserError", {
  description: "A problem with the input that the caller can fix; the mutation changed nothing.",
})
export class UserError {
  @Field(() => [String], { nullable: true, description: 'Path to the input field at fault, e.g. ["input", "name"].' })
  field: string[] | null;

  @Field(() => String, { description: "What is wrong, in plain words." })
  message: string;

  @Field(() => USER_ERROR_CODE, { description: "Stable machine-readable code: switch over it, keep a default." })
  code: UserErrorCode;
}

export function userError(code: UserErrorCode, message: string, field?: string[]): UserError {
  return Object.assign(new UserError(), { code, message, field: field ?? null });
}

/** Thrown by services for expected business failures; resolvers turn it into userErrors. */
export class UserInputError extends Error {
  constructor(readonly errors: UserError[]) {
    super(errors.map((e) => e.message).join("; "));
  }
}

export function fail(code: UserErrorCode, message: string, field?: string[]): never {
  throw new UserInputError([userError(code, message, field)]);
}

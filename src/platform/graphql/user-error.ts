import { Field, ObjectType } from "type-graphql";

@ObjectType("UserError", {
  description: "A problem with the input that the caller can fix; the mutation changed nothing.",
})
export class UserError {
  @Field(() => [String], { nullable: true, description: 'Path to the input field at fault, e.g. ["input", "name"].' })
  field: string[] | null;

  @Field(() => String, { description: "What is wrong, in plain words." })
  message: string;

  @Field(() => String, { description: "Stable machine-readable code, e.g. INVALID_DOMAIN, NOT_FOUND, TAKEN." })
  code: string;
}

export function userError(code: string, message: string, field?: string[]): UserError {
  return Object.assign(new UserError(), { code, message, field: field ?? null });
}

/** Thrown by services for expected business failures; resolvers turn it into userErrors. */
export class UserInputError extends Error {
  constructor(readonly errors: UserError[]) {
    super(errors.map((e) => e.message).join("; "));
  }
}

export function fail(code: string, message: string, field?: string[]): never {
  throw new UserInputError([userError(code, message, field)]);
}

import { Field, ID, InputType, ObjectType } from "type-graphql";
import { connectionType } from "../../platform/graphql/connection";
import { UserError } from "../../platform/graphql/user-error";
import { Domain } from "./domain.entity";

export const DomainConnection = connectionType("Domain", Domain);

@InputType("CreateDomainInput", { description: "A sending domain to add." })
export class CreateDomainInput {
  @Field(() => String, { description: "Domain name; internationalised names are accepted and stored in punycode." })
  name: string;

  @Field(() => Date, { nullable: true, description: "Registration date, for domain age checks." })
  registeredAt?: Date | null;
}

@InputType("UpdateDomainInput", { description: "Changes to a sending domain; omitted fields keep their value." })
export class UpdateDomainInput {
  @Field(() => ID, { description: "The domain to change." })
  id: string;

  @Field(() => String, { nullable: true, description: "New domain name." })
  name?: string | null;

  @Field(() => Date, { nullable: true, description: "Registration date; null clears it." })
  registeredAt?: Date | null;
}

@InputType("DeleteDomainInput", { description: "The sending domain to delete." })
export class DeleteDomainInput {
  @Field(() => ID, {
    description: "The domain to delete. Domains still used by inboxes or campaigns cannot be deleted.",
  })
  id: string;
}

@ObjectType("CreateDomainPayload", { description: "Result of createDomain." })
export class CreateDomainPayload {
  @Field(() => Domain, { nullable: true, description: "The new domain; null when userErrors is not empty." })
  domain: Domain | null;

  @Field(() => [UserError], { description: "Problems with the input; empty on success." })
  userErrors: UserError[];
}

@ObjectType("UpdateDomainPayload", { description: "Result of updateDomain." })
export class UpdateDomainPayload {
  @Field(() => Domain, { nullable: true, description: "The domain as changed; null when userErrors is not empty." })
  domain: Domain | null;

  @Field(() => [UserError], { description: "Problems with the input; empty on success." })
  userErrors: UserError[];
}

@ObjectType("DeleteDomainPayload", { description: "Result of deleteDomain." })
export class DeleteDomainPayload {
  @Field(() => ID, { nullable: true, description: "Id of the deleted domain; null when userErrors is not empty." })
  deletedDomainId: string | null;

  @Field(() => [UserError], { description: "Problems with the input; empty on success." })
  userErrors: UserError[];
}

import { Arg, Args, Authorized, Ctx, Field, ID, InputType, Mutation, ObjectType, Query, Resolver } from "type-graphql";
import type { RequestContext } from "../../platform/context";
import { ConnectionArgs, connectionType } from "../../platform/graphql/connection";
import { uuidOf } from "../../platform/graphql/global-id";
import { payload } from "../../platform/graphql/payload";
import { UserError } from "../../platform/graphql/user-error";
import { ApiKey } from "./api-key.entity";
import { ApiKeyScopeEnum, type ApiKeyScope } from "./api-key.scopes";
import { apiKeyService } from "./api-key.service";

const ApiKeyConnection = connectionType("ApiKey", ApiKey);

@InputType("CreateApiKeyInput", { description: "A new API key." })
export class CreateApiKeyInput {
  @Field(() => String, { description: "What the key is for, 1 to 200 characters." })
  name: string;

  @Field(() => [ApiKeyScopeEnum], { description: "What the key may do; give the least it needs." })
  scopes: ApiKeyScope[];
}

@ObjectType("CreateApiKeyPayload", { description: "Result of createApiKey." })
export class CreateApiKeyPayload {
  @Field(() => ApiKey, { nullable: true, description: "The new key's record." })
  apiKey: ApiKey | null;

  @Field(() => String, { nullable: true, description: "The secret key. Shown only this once: store it now." })
  secret: string | null;

  @Field(() => [UserError], { description: "Problems with the input; empty on success." })
  userErrors: UserError[];
}

@InputType("RevokeApiKeyInput", { description: "The key to revoke." })
export class RevokeApiKeyInput {
  @Field(() => ID, { description: "The key to revoke; it stops working at once." })
  id: string;
}

@ObjectType("RevokeApiKeyPayload", { description: "Result of revokeApiKey." })
export class RevokeApiKeyPayload {
  @Field(() => ApiKey, { nullable: true, description: "The revoked key's record." })
  apiKey: ApiKey | null;

  @Field(() => [UserError], { description: "Problems with the input; empty on success." })
  userErrors: UserError[];
}

@Resolver(() => ApiKey)
export class ApiKeyResolver {
  @Authorized("admin")
  @Query(() => ApiKeyConnection, { description: "The tenant's API keys, newest first (admin scope)." })
  apiKeys(@Ctx() ctx: RequestContext, @Args(() => ConnectionArgs) args: ConnectionArgs) {
    return apiKeyService.list(ctx, args);
  }

  @Authorized("admin")
  @Mutation(() => CreateApiKeyPayload, { description: "Create an API key (admin scope). The secret is returned once." })
  createApiKey(@Ctx() ctx: RequestContext, @Arg("input", () => CreateApiKeyInput) input: CreateApiKeyInput) {
    return payload(() => apiKeyService.create(ctx, input), { apiKey: null, secret: null });
  }

  @Authorized("admin")
  @Mutation(() => RevokeApiKeyPayload, { description: "Revoke an API key (admin scope): it stops working at once." })
  revokeApiKey(@Ctx() ctx: RequestContext, @Arg("input", () => RevokeApiKeyInput) input: RevokeApiKeyInput) {
    return payload(async () => ({ apiKey: await apiKeyService.revoke(ctx, uuidOf(input.id, "ApiKey")) }), {
      apiKey: null,
    });
  }
}

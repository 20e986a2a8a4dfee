import { Arg, Authorized, Ctx, Mutation, Resolver } from "type-graphql";
import type { RequestContext } from "../../platform/context";
import { payload } from "../../platform/graphql/payload";
import { ingestService } from "./ingest.service";
import {
  IngestBounceMessageInput,
  IngestBounceMessagePayload,
  IngestBouncesInput,
  IngestBouncesPayload,
  RecordSendsInput,
  RecordSendsPayload,
} from "./ingest.types";

@Resolver()
export class IngestResolver {
  @Authorized("ingest")
  @Mutation(() => RecordSendsPayload, {
    description: "Record what a campaign's inbox sent (at most 10,000 recipients), counted per recipient provider.",
  })
  recordSends(@Ctx() ctx: RequestContext, @Arg("input", () => RecordSendsInput) input: RecordSendsInput) {
    return payload(() => ingestService.recordSends(ctx, input), { recorded: 0, byProvider: [], replayed: false });
  }

  @Authorized("ingest")
  @Mutation(() => IngestBouncesPayload, {
    description:
      "Store structured bounce events (at most 1,000), each exactly once: classified, counted, and suppressing bad addresses.",
  })
  ingestBounces(@Ctx() ctx: RequestContext, @Arg("input", () => IngestBouncesInput) input: IngestBouncesInput) {
    return payload(
      async () => {
        const r = await ingestService.ingestBounces(ctx, input);
        return {
          inserted: r.inserted,
          duplicates: r.duplicates,
          events: r.events,
          suppressions: r.suppressions,
          replayed: r.replayed,
        };
      },
      { inserted: 0, duplicates: 0, events: [], suppressions: [], replayed: false },
    );
  }

  @Authorized("ingest")
  @Mutation(() => IngestBounceMessagePayload, {
    description:
      "Store a whole bounce email (DSN, MTA bounce, ARF complaint; auto-replies are not stored), one event per recipient, exactly once.",
  })
  ingestBounceMessage(
    @Ctx() ctx: RequestContext,
    @Arg("input", () => IngestBounceMessageInput) input: IngestBounceMessageInput,
  ) {
    return payload(
      async () => {
        const r = await ingestService.ingestBounceMessage(ctx, input);
        return {
          messageKind: r.messageKind,
          inserted: r.inserted,
          duplicates: r.duplicates,
          events: r.events,
          suppressions: r.suppressions,
          truncated: r.truncated,
          replayed: r.replayed,
        };
      },
      {
        messageKind: "unknown",
        inserted: 0,
        duplicates: 0,
        events: [],
        suppressions: [],
        truncated: null,
        replayed: false,
      },
    );
  }
}

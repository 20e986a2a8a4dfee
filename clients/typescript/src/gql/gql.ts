/* eslint-disable */
import * as types from './graphql';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  mutation CreateDomain($input: CreateDomainInput!) {\n    createDomain(input: $input) {\n      domain {\n        id\n        name\n      }\n      userErrors {\n        field\n        message\n        code\n      }\n    }\n  }\n": typeof types.CreateDomainDocument,
    "\n  mutation CreateInbox($input: CreateInboxInput!) {\n    createInbox(input: $input) {\n      inbox {\n        id\n        address\n      }\n      userErrors {\n        field\n        message\n        code\n      }\n    }\n  }\n": typeof types.CreateInboxDocument,
    "\n  mutation CreateCampaign($input: CreateCampaignInput!) {\n    createCampaign(input: $input) {\n      campaign {\n        id\n        name\n        status\n      }\n      userErrors {\n        field\n        message\n        code\n      }\n    }\n  }\n": typeof types.CreateCampaignDocument,
    "\n  mutation RecordSends($input: RecordSendsInput!) {\n    recordSends(input: $input) {\n      recorded\n      byProvider {\n        provider\n        count\n      }\n      userErrors {\n        field\n        message\n        code\n      }\n    }\n  }\n": typeof types.RecordSendsDocument,
    "\n  mutation IngestBounces($input: IngestBouncesInput!) {\n    ingestBounces(input: $input) {\n      inserted\n      duplicates\n      replayed\n      events {\n        id\n        recipient\n        reason\n        fault\n        hardBounce\n      }\n      suppressions {\n        value\n        reason\n      }\n      userErrors {\n        field\n        message\n        code\n      }\n    }\n  }\n": typeof types.IngestBouncesDocument,
    "\n  query CampaignHealth($id: ID!) {\n    campaign(id: $id) {\n      name\n      zone\n      stats {\n        sent\n        delivered\n        hardBounces\n        softBounces\n        complaints\n        hardBounceRate\n        complaintRate\n        pauseRecommended\n      }\n      benchmarks {\n        provider\n        sent\n        hardBounces\n        rate\n        zone\n      }\n    }\n  }\n": typeof types.CampaignHealthDocument,
    "\n  query CampaignTimeline($id: ID!, $from: DateTimeISO!, $to: DateTimeISO!) {\n    campaign(id: $id) {\n      timeline(from: $from, to: $to, interval: DAY) {\n        start\n        sent\n        delivered\n        hardBounces\n        softBounces\n        deferred\n        complaints\n        hardBounceRate\n        complaintRate\n      }\n    }\n  }\n": typeof types.CampaignTimelineDocument,
    "\n  query Suppressions($first: Int!, $after: String) {\n    suppressions(first: $first, after: $after) {\n      totalCount\n      edges {\n        node {\n          value\n          scope\n          reason\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.SuppressionsDocument,
    "\n  query Usage {\n    viewer {\n      name\n      usage {\n        requests\n        ingestedEvents\n        sends\n        budgets {\n          keyCost {\n            limit\n            remaining\n          }\n          ingestEvents {\n            limit\n            remaining\n          }\n        }\n      }\n    }\n  }\n": typeof types.UsageDocument,
    "\n  subscription BounceFeed($filter: BounceReceivedFilter) {\n    bounceReceived(filter: $filter) {\n      id\n      recipient\n      reason\n      fault\n      variant\n      firstAction\n    }\n  }\n": typeof types.BounceFeedDocument,
};
const documents: Documents = {
    "\n  mutation CreateDomain($input: CreateDomainInput!) {\n    createDomain(input: $input) {\n      domain {\n        id\n        name\n      }\n      userErrors {\n        field\n        message\n        code\n      }\n    }\n  }\n": types.CreateDomainDocument,
    "\n  mutation CreateInbox($input: CreateInboxInput!) {\n    createInbox(input: $input) {\n      inbox {\n        id\n        address\n      }\n      userErrors {\n        field\n        message\n        code\n      }\n    }\n  }\n": types.CreateInboxDocument,
    "\n  mutation CreateCampaign($input: CreateCampaignInput!) {\n    createCampaign(input: $input) {\n      campaign {\n        id\n        name\n        status\n      }\n      userErrors {\n        field\n        message\n        code\n      }\n    }\n  }\n": types.CreateCampaignDocument,
    "\n  mutation RecordSends($input: RecordSendsInput!) {\n    recordSends(input: $input) {\n      recorded\n      byProvider {\n        provider\n        count\n      }\n      userErrors {\n        field\n        message\n        code\n      }\n    }\n  }\n": types.RecordSendsDocument,
    "\n  mutation IngestBounces($input: IngestBouncesInput!) {\n    ingestBounces(input: $input) {\n      inserted\n      duplicates\n      replayed\n      events {\n        id\n        recipient\n        reason\n        fault\n        hardBounce\n      }\n      suppressions {\n        value\n        reason\n      }\n      userErrors {\n        field\n        message\n        code\n      }\n    }\n  }\n": types.IngestBouncesDocument,
    "\n  query CampaignHealth($id: ID!) {\n    campaign(id: $id) {\n      name\n      zone\n      stats {\n        sent\n        delivered\n        hardBounces\n        softBounces\n        complaints\n        hardBounceRate\n        complaintRate\n        pauseRecommended\n      }\n      benchmarks {\n        provider\n        sent\n        hardBounces\n        rate\n        zone\n      }\n    }\n  }\n": types.CampaignHealthDocument,
    "\n  query CampaignTimeline($id: ID!, $from: DateTimeISO!, $to: DateTimeISO!) {\n    campaign(id: $id) {\n      timeline(from: $from, to: $to, interval: DAY) {\n        start\n        sent\n        delivered\n        hardBounces\n        softBounces\n        deferred\n        complaints\n        hardBounceRate\n        complaintRate\n      }\n    }\n  }\n": types.CampaignTimelineDocument,
    "\n  query Suppressions($first: Int!, $after: String) {\n    suppressions(first: $first, after: $after) {\n      totalCount\n      edges {\n        node {\n          value\n          scope\n          reason\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.SuppressionsDocument,
    "\n  query Usage {\n    viewer {\n      name\n      usage {\n        requests\n        ingestedEvents\n        sends\n        budgets {\n          keyCost {\n            limit\n            remaining\n          }\n          ingestEvents {\n            limit\n            remaining\n          }\n        }\n      }\n    }\n  }\n": types.UsageDocument,
    "\n  subscription BounceFeed($filter: BounceReceivedFilter) {\n    bounceReceived(filter: $filter) {\n      id\n      recipient\n      reason\n      fault\n      variant\n      firstAction\n    }\n  }\n": types.BounceFeedDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateDomain($input: CreateDomainInput!) {\n    createDomain(input: $input) {\n      domain {\n        id\n        name\n      }\n      userErrors {\n        field\n        message\n        code\n      }\n    }\n  }\n"): typeof import('./graphql').CreateDomainDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateInbox($input: CreateInboxInput!) {\n    createInbox(input: $input) {\n      inbox {\n        id\n        address\n      }\n      userErrors {\n        field\n        message\n        code\n      }\n    }\n  }\n"): typeof import('./graphql').CreateInboxDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateCampaign($input: CreateCampaignInput!) {\n    createCampaign(input: $input) {\n      campaign {\n        id\n        name\n        status\n      }\n      userErrors {\n        field\n        message\n        code\n      }\n    }\n  }\n"): typeof import('./graphql').CreateCampaignDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RecordSends($input: RecordSendsInput!) {\n    recordSends(input: $input) {\n      recorded\n      byProvider {\n        provider\n        count\n      }\n      userErrors {\n        field\n        message\n        code\n      }\n    }\n  }\n"): typeof import('./graphql').RecordSendsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation IngestBounces($input: IngestBouncesInput!) {\n    ingestBounces(input: $input) {\n      inserted\n      duplicates\n      replayed\n      events {\n        id\n        recipient\n        reason\n        fault\n        hardBounce\n      }\n      suppressions {\n        value\n        reason\n      }\n      userErrors {\n        field\n        message\n        code\n      }\n    }\n  }\n"): typeof import('./graphql').IngestBouncesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CampaignHealth($id: ID!) {\n    campaign(id: $id) {\n      name\n      zone\n      stats {\n        sent\n        delivered\n        hardBounces\n        softBounces\n        complaints\n        hardBounceRate\n        complaintRate\n        pauseRecommended\n      }\n      benchmarks {\n        provider\n        sent\n        hardBounces\n        rate\n        zone\n      }\n    }\n  }\n"): typeof import('./graphql').CampaignHealthDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CampaignTimeline($id: ID!, $from: DateTimeISO!, $to: DateTimeISO!) {\n    campaign(id: $id) {\n      timeline(from: $from, to: $to, interval: DAY) {\n        start\n        sent\n        delivered\n        hardBounces\n        softBounces\n        deferred\n        complaints\n        hardBounceRate\n        complaintRate\n      }\n    }\n  }\n"): typeof import('./graphql').CampaignTimelineDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Suppressions($first: Int!, $after: String) {\n    suppressions(first: $first, after: $after) {\n      totalCount\n      edges {\n        node {\n          value\n          scope\n          reason\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): typeof import('./graphql').SuppressionsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Usage {\n    viewer {\n      name\n      usage {\n        requests\n        ingestedEvents\n        sends\n        budgets {\n          keyCost {\n            limit\n            remaining\n          }\n          ingestEvents {\n            limit\n            remaining\n          }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').UsageDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription BounceFeed($filter: BounceReceivedFilter) {\n    bounceReceived(filter: $filter) {\n      id\n      recipient\n      reason\n      fault\n      variant\n      firstAction\n    }\n  }\n"): typeof import('./graphql').BounceFeedDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

// What the api-key module offers the rest of the system: other modules import these from here,
// never its files (a lint rule holds them to it).
export { API_KEY_SCOPES, hasScope, requireScopes } from "./api-key.scopes";
export { apiKeyService } from "./api-key.service";

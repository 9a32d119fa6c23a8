export * from "./executions.js";
export * from "./local-credentials.js";
export * from "./search-documents.js";
export * from "./snippets.js";
export * from "./sync-events.js";
export * from "./users.js";
export * from "./ws-connections.js";

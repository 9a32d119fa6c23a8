// Import rules for server/src, checked by `npm run lint:deps` (part of `npm run lint` and CI).
// The layout is a folder per area (see docs/architecture.md); these rules keep it honest:
// no cycles between folders, and adapters (the code that talks to one external system)
// never reach up into routes, services or an area's composition module.

/** Files that are adapters: behind a port, each talking to one external system. */
const ADAPTERS = [
  "^server/src/execution/sandbox/",
  "^server/src/jobs/queue/",
  "^server/src/jobs/realtime/",
  "^server/src/platform/db/",
  "^server/src/search/neo4j-migrations/",
  "^server/src/search/model/",
  "-(authenticator|provider|embedder|search-index|understander|notifier)\\.ts$",
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-folder-cycles",
      comment:
        "Folders (areas and their sub-folders) depend on each other in one direction only: " +
        "a cycle means two areas are really one, or a shared piece belongs lower down.",
      severity: "error",
      scope: "folder",
      from: { path: "^server/src" },
      to: { circular: true },
    },
    {
      name: "no-module-cycles",
      comment:
        "Module cycles make load order matter and hide layering mistakes (a cycle through " +
        "type-only imports has no load order; folder cycles above still count those).",
      severity: "error",
      from: { path: "^server/src" },
      to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } },
    },
    {
      name: "adapters-stay-below-services",
      comment:
        "An adapter talks to one external system behind a port; it must not import routes, " +
        "services or composition modules (the dependency points the other way).",
      severity: "error",
      from: { path: ADAPTERS },
      to: { path: "-(routes|service|module)\\.ts$" },
    },
    {
      name: "only-entry-points-compose",
      comment:
        "Area modules are composed by app.ts and the entry points only; an area reaches " +
        "another area's services through its own dependencies, not by composing it.",
      severity: "error",
      from: {
        path: "^server/src/",
        pathNot: [
          "^server/src/(app|main|worker|sync-worker|resync|migrate)\\.ts$",
          "^server/src/lambda/",
          "-module\\.ts$",
        ],
      },
      to: { path: "-module\\.ts$" },
    },
    {
      name: "src-never-imports-tests",
      severity: "error",
      from: { path: "^server/src" },
      to: { path: "^(server/test|bench)/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "\\.(py|pyc|json)$" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".mjs", ".js"] },
  },
};

/**
 * Import rules of the gateway (docs/ARCHITECTURE.md, "Import rules"), checked by `npm run lint:deps`
 * as part of `npm test`. Data flows one way: HTTP/WS edge -> GraphQL -> loaders, caches and the
 * other services -> Gong client -> scheduler -> store -> shared helpers; only the wiring
 * (src/wiring, src/app.ts, src/main.ts) knows every folder.
 */

/**
 * The layers, top to bottom. A module imports its own layer or one below it, never one above.
 * Within a layer, folders still depend one way (no-folder-cycles).
 */
const LAYERS = [
  { name: 'edge', path: '^src/(http|lifecycle)/', what: 'transport adapters and the process edge' },
  { name: 'graphql', path: '^src/graphql/', what: 'the schema, resolvers and subscription hub' },
  {
    name: 'services',
    path: '^src/(loaders|cache|sync|events|call-creation|auth|connections|reconcile|privacy|read-model)/',
    what: 'loaders, caches, sync state, events, call creation, client auth, connections, the change index and reconciler, the privacy rule, the search read model',
  },
  { name: 'gong', path: '^src/gong/', what: "the Gong client, its reads and Gong's wire format" },
  { name: 'scheduler', path: '^src/scheduler/', what: "each connection's rate window and queue" },
  { name: 'store', path: '^src/store/', what: 'key-value storage (memory or Redis)' },
  {
    name: 'shared',
    path: '^src/(util|config|observability)/|^src/(errors|close-codes)\\.ts$',
    what: 'config, errors, close codes, logging, metrics and small helpers',
  },
];

/** One rule per layer: nothing in it imports a layer above it. */
const layerRules = LAYERS.slice(1).map((layer, i) => ({
  name: `${layer.name}-never-imports-up`,
  severity: 'error',
  comment: `${layer.what} (${layer.name}) never import ${LAYERS.slice(0, i + 1)
    .map((l) => l.name)
    .join(', ')}: arrows point down the layers only.`,
  from: { path: layer.path },
  to: { path: LAYERS.slice(0, i + 1).map((l) => l.path) },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment:
        'A cycle means two modules cannot be understood (or loaded) apart; move the shared piece down a layer.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-folder-cycles',
      severity: 'error',
      comment:
        'Folders depend on each other one way too (auth -> connections, never back), so each concern can be read on its own.',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'only-wiring-imports-the-sandbox',
      severity: 'error',
      comment:
        'The sandbox is the simulated upstream: only entry points, the wiring and tests may know it exists.',
      from: {
        path: '^src/',
        pathNot: ['^src/sandbox/', '^src/wiring/', '^src/app\\.ts$', '^src/main\\.ts$'],
      },
      to: { path: '^src/sandbox/' },
    },
    {
      name: 'the-sandbox-knows-only-gongs-wire-format',
      severity: 'error',
      comment:
        "The sandbox simulates Gong: it shares Gong's wire format with the client and nothing of the gateway.",
      from: { path: '^src/sandbox/' },
      to: {
        path: '^src/',
        pathNot: ['^src/sandbox/', '^src/gong/wire', '^src/(util|config)/', '^src/errors\\.ts$'],
      },
    },
    {
      name: 'gong-client-knows-no-graphql',
      severity: 'error',
      comment:
        'The Gong client speaks Gong, not GraphQL; the graphql folder adapts one to the other.',
      from: { path: '^src/gong/' },
      to: {
        path: ['^src/graphql/', '^src/generated/', '(^|/)node_modules/(graphql|@apollo/[^/]+)/'],
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/generated/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.d.ts'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};

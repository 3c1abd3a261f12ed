/**
 * Import rules of the gateway (docs/ARCHITECTURE.md, "Import rules"), checked by `npm run lint:deps`
 * as part of `npm test`. Data flows one way: HTTP/WS edge -> GraphQL -> loaders -> Gong client ->
 * scheduler -> sandbox or Gong; only the wiring (src/wiring, src/app.ts) knows every folder.
 */
/** Folders that hold domain logic: they never reach up to the HTTP edge. */
const DOMAIN =
  '^src/(auth|cache|call-creation|config|connections|events|gong|graphql|lifecycle|loaders|observability|read-model|scheduler|store|sync|util)/';

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
    {
      name: 'domain-never-imports-http',
      severity: 'error',
      comment:
        'HTTP routes are thin adapters over domain functions; the domain must not know its transport.',
      from: { path: DOMAIN },
      to: { path: '^src/http/' },
    },
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
      name: 'gong-client-knows-no-graphql',
      severity: 'error',
      comment:
        'The Gong client speaks Gong, not GraphQL; the graphql folder adapts one to the other.',
      from: { path: '^src/gong/' },
      to: {
        path: ['^src/graphql/', '^src/generated/', '(^|/)node_modules/(graphql|@apollo/[^/]+)/'],
      },
    },
    {
      name: 'read-model-knows-no-graphql',
      severity: 'error',
      comment:
        'The read model stores and queries calls; the graphql folder adapts its answers to the schema.',
      from: { path: '^src/read-model/' },
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

/**
 * What a browser sees when it opens `/graphql`. In development: GraphiQL, served from
 * `node_modules` under `/explorer/` (no CDN, so it works offline), with the README's first query
 * and subscription in its tabs; its subscriptions run over GraphQL over SSE on the same URL. In
 * production, or when GraphiQL is not installed (it is a devDependency): a short HTML page saying
 * what the endpoint is. Both pages load nothing from outside the gateway (a CSP says so).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ServerResponse } from 'node:http';
import type { Route } from './router.js';

/** The README's first query and subscription: test/http/explorer-page… checks they stay equal. */
export const EXPLORER_TABS = [
  {
    query: `{
  gongCalls(first: 3) {
    totalCount
    nodes {
      id
      title
      started
      primaryUser { firstName lastName manager { emailAddress } }
      workspace { name }
      parties { name affiliation user { title } }
    }
  }
}
`,
  },
  {
    query:
      'subscription { gongCallCreated { eventId call { id title started primaryUser { emailAddress } } } }\n',
  },
];

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

/** Files served under `/explorer/`, resolved in node_modules; undefined when GraphiQL is absent. */
function explorerAssets(): Map<string, { path: string; type: string; body?: Buffer }> | undefined {
  const require = createRequire(import.meta.url);
  try {
    const graphiqlDir = require.resolve('graphiql/package.json').replace(/package\.json$/, '');
    const reactDir = require.resolve('react/package.json').replace(/package\.json$/, '');
    const reactDomDir = require.resolve('react-dom/package.json').replace(/package\.json$/, '');
    const files = new Map<string, { path: string; type: string; body?: Buffer }>([
      ['react.js', { path: `${reactDir}umd/react.production.min.js`, type: 'text/javascript' }],
      [
        'react-dom.js',
        { path: `${reactDomDir}umd/react-dom.production.min.js`, type: 'text/javascript' },
      ],
      ['graphiql.js', { path: `${graphiqlDir}graphiql.min.js`, type: 'text/javascript' }],
      ['graphiql.css', { path: `${graphiqlDir}graphiql.min.css`, type: 'text/css' }],
    ]);
    return [...files.values()].every((f) => existsSync(f.path)) ? files : undefined;
  } catch {
    return undefined;
  }
}

/** Starts GraphiQL with an SSE fetcher (graphql-sse, distinct connections) that passes GraphiQL's headers. */
const INIT_JS = `(() => {
  const url = new URL('/graphql', location.href).href;
  async function* sse(params, headers) {
    const res = await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json', accept: 'text/event-stream' }, body: JSON.stringify(params) });
    if (!res.ok || !(res.headers.get('content-type') || '').includes('text/event-stream')) { yield await res.json(); return; }
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end;
      while ((end = buffer.indexOf('\\n\\n')) >= 0) {
        const lines = buffer.slice(0, end).split('\\n');
        buffer = buffer.slice(end + 2);
        const event = (lines.find((l) => l.startsWith('event:')) || '').slice(6).trim();
        const data = lines.filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\\n');
        if (event === 'complete') return;
        if (event === 'next' && data) yield JSON.parse(data);
      }
    }
  }
  const fetcher = (params, opts) => sse(params, (opts && opts.headers) || {});
  const tabs = ${JSON.stringify(EXPLORER_TABS)};
  const root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, { fetcher, defaultTabs: tabs, defaultQuery: tabs[0].query, shouldPersistHeaders: false }));
})();
`;

const GRAPHIQL_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>gong-gateway · GraphiQL</title>
<link rel="stylesheet" href="/explorer/graphiql.css">
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script src="/explorer/react.js"></script>
<script src="/explorer/react-dom.js"></script>
<script src="/explorer/graphiql.js"></script>
<script src="/explorer/init.js"></script>
</body>
</html>
`;

const endpointPage = (why: string) => `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>gong-gateway · GraphQL endpoint</title></head>
<body>
<h1>gong-gateway</h1>
<p>This is the GraphQL endpoint of a Gong gateway (an Apollo Federation 2 subgraph). Send queries
and mutations as <code>POST</code> with <code>content-type: application/json</code> (queries also as
<code>GET</code>) and <code>Authorization: Bearer &lt;API key or JWT&gt;</code>.</p>
<p>Subscriptions: GraphQL over WebSocket (<code>graphql-transport-ws</code>), GraphQL over
Server-Sent Events (<code>Accept: text/event-stream</code>) or Apollo multipart HTTP
(<code>Accept: multipart/mixed;subscriptionSpec="1.0"</code>), all on this URL.</p>
<p>${why}</p>
</body>
</html>
`;

export interface Explorer {
  /** Answers a browser's visit to `/graphql`. */
  page: (res: ServerResponse) => void;
  /** `/explorer/*`: GraphiQL's files (development only). */
  route: Route | undefined;
}

export function createExplorer(opts: { production: boolean }): Explorer {
  const assets = opts.production ? undefined : explorerAssets();
  const html = assets
    ? GRAPHIQL_HTML
    : endpointPage(
        opts.production
          ? 'No explorer is served in production; use your own GraphQL client.'
          : 'GraphiQL is not installed (it is a devDependency: run <code>npm install</code>).',
      );
  const send = (
    res: ServerResponse,
    status: number,
    type: string,
    body: string | Buffer,
    cache = 'no-cache',
  ) => {
    res.writeHead(status, {
      'content-type': type,
      'content-length': Buffer.byteLength(body),
      'cache-control': cache,
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
    });
    res.end(body);
  };
  return {
    page: (res) => send(res, 200, 'text/html; charset=utf-8', html),
    route: assets && {
      prefix: '/explorer/',
      methods: ['GET'],
      handle({ res, rest }) {
        if (rest === 'init.js') return send(res, 200, 'text/javascript; charset=utf-8', INIT_JS);
        const file = assets.get(rest);
        if (!file) return send(res, 404, 'text/plain; charset=utf-8', 'Not found');
        send(
          res,
          200,
          `${file.type}; charset=utf-8`,
          (file.body ??= readFileSync(file.path)),
          'public, max-age=3600',
        );
      },
    },
  };
}

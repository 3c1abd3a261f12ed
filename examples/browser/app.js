// Plain ESM for the browser. graphql-ws is served from node_modules by serve.ts under /vendor/;
// with a bundler, `import { createClient } from 'graphql-ws'` instead.
import { createClient } from './vendor/graphql-ws/client.js';

const $ = (id) => document.getElementById(id);
// Gong lists calls oldest first: read the last two weeks and show the newest five.
const RECENT = `query Recent($since: DateTime) { gongCalls(first: 100, filter: { from: $since }) { nodes { id title started primaryUser { firstName lastName } } } }`;
const LIVE = `subscription Live($after: String) { gongCallCreated(after: $after) { eventId call { id title started } } }`;
const RECENT_DAYS = 14;

/** The gateway: `?gateway=ws://host:port/graphql`, else port 4000 on the host that served this page. */
function defaultGatewayUrl() {
  const given = new URLSearchParams(location.search).get('gateway');
  if (given) return given;
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.hostname}:4000/graphql`;
}

let client;
let lastEventId; // resume point: the gateway replays what happened while we were away

function connect(url, token) {
  const previous = client;
  const me = createClient({
    url,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    // A replica shutting down closes with 1001; reconnect (to another one, behind a load balancer).
    retryAttempts: Infinity,
    shouldRetry: (e) => ![4400, 4401, 4403].includes(e?.code),
    on: {
      // Only the current client may write the status: a disposed one reports its own close late.
      connected: () => client === me && ($('status').textContent = `connected to ${url}`),
      closed: (e) =>
        client === me && ($('status').textContent = `closed (${e?.code ?? '?'}); reconnecting…`),
    },
  });
  client = me;
  previous?.dispose();

  // Queries work over the same socket, so this page needs no CORS setup.
  const since = new Date(Date.now() - RECENT_DAYS * 86_400_000).toISOString();
  me.subscribe(
    { query: RECENT, variables: { since } },
    {
      next: ({ data, errors }) =>
        ($('calls').textContent = JSON.stringify(
          errors ?? data.gongCalls.nodes.slice(-5).reverse(),
          null,
          2,
        )),
      error: (e) => ($('calls').textContent = `error: ${e?.reason ?? e?.message ?? e}`),
      complete: () => {},
    },
  );
  subscribeLive(me);
}

function subscribeLive(me) {
  if (client !== me) return;
  me.subscribe(
    { query: LIVE, variables: lastEventId ? { after: lastEventId } : {} },
    {
      next: ({ data, errors }) => {
        if (errors) return console.error(errors);
        const e = data.gongCallCreated;
        lastEventId = e.eventId;
        const li = document.createElement('li');
        li.textContent = `${e.eventId} · ${e.call.title ?? e.call.id} · ${e.call.started}`;
        $('events').prepend(li);
      },
      // After a drop the client's own retry would repeat the old `after`; subscribe again with the latest.
      error: () => setTimeout(() => subscribeLive(me), 1000),
      complete: () => {},
    },
  );
}

$('url').value = defaultGatewayUrl();
$('connect').addEventListener('submit', (ev) => {
  ev.preventDefault();
  connect($('url').value, $('token').value.trim());
});
connect($('url').value, '');

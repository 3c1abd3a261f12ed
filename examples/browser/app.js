// Plain ESM for the browser. graphql-ws is served from node_modules by serve.ts under /vendor/;
// with a bundler, `import { createClient } from 'graphql-ws'` instead.
import { createClient } from './vendor/graphql-ws/client.js';

const $ = (id) => document.getElementById(id);
const RECENT = `query Recent { gongCalls(first: 5) { nodes { id title started primaryUser { firstName lastName } } } }`;
const LIVE = `subscription Live($after: String) { gongCallCreated(after: $after) { eventId call { id title started } } }`;

let client;
let lastEventId; // resume point: the gateway replays what happened while we were away

function connect(url, token) {
  client?.dispose();
  client = createClient({
    url,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    // A replica shutting down closes with 1001; reconnect (to another one, behind a load balancer).
    retryAttempts: Infinity,
    shouldRetry: (e) => ![4400, 4401, 4403].includes(e?.code),
    on: {
      connected: () => ($('status').textContent = `connected to ${url}`),
      closed: (e) => ($('status').textContent = `closed (${e?.code ?? '?'}); reconnecting…`),
    },
  });

  // Queries work over the same socket, so this page needs no CORS setup.
  client.subscribe({ query: RECENT }, {
    next: ({ data, errors }) => ($('calls').textContent = JSON.stringify(errors ?? data.gongCalls.nodes, null, 2)),
    error: (e) => ($('calls').textContent = `error: ${e?.reason ?? e?.message ?? e}`),
    complete: () => {},
  });
  subscribeLive();
}

function subscribeLive() {
  client.subscribe({ query: LIVE, variables: lastEventId ? { after: lastEventId } : {} }, {
    next: ({ data, errors }) => {
      if (errors) return console.error(errors);
      const e = data.gongCallCreated;
      lastEventId = e.eventId;
      const li = document.createElement('li');
      li.textContent = `${e.eventId} · ${e.call.title ?? e.call.id} · ${e.call.started}`;
      $('events').prepend(li);
    },
    // After a drop the client's own retry would repeat the old `after`; subscribe again with the latest.
    error: () => setTimeout(subscribeLive, 1000),
    complete: () => {},
  });
}

$('connect').addEventListener('submit', (ev) => {
  ev.preventDefault();
  connect($('url').value, $('token').value.trim());
});
connect($('url').value, '');

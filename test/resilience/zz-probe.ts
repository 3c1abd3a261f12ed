import { startHarness } from '/work/main/test/read/harness.js';
const h = await startHarness({ sandbox: { users: 10, calls: 30 } });
for (const q of ['Q', '{', '{ gongWorkspaces { id }', 'query {', '"""']) {
  const res = await fetch(h.gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: q }) });
  console.log(JSON.stringify(q), res.status, await res.text());
}
await h.close();

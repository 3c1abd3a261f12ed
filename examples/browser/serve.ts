/**
 * Serves the browser example on http://localhost:5173 (EXAMPLE_PORT) with graphql-ws's browser
 * build from node_modules under /vendor/graphql-ws/: no bundler, nothing fetched from a CDN.
 *   npm start                          # the gateway (embedded sandbox) on :4000
 *   npx tsx examples/browser/serve.ts  # then open http://localhost:5173
 * The page connects to port 4000 on the host that served it, or to `?gateway=ws://host:port/graphql`.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const vendor = fileURLToPath(new URL('../../node_modules/graphql-ws/dist/', import.meta.url));
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
};
const port = Number(process.env.EXAMPLE_PORT ?? 5173);

/** Maps a URL path to a file under `root`, refusing anything that climbs out of it. */
function inside(root: string, path: string): string | undefined {
  const full = normalize(join(root, path));
  return full.startsWith(root) ? full : undefined;
}

/** The example's server (exported for the browser test, which starts it on a free port). */
export const exampleServer = () =>
  createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const file = path.startsWith('/vendor/graphql-ws/')
      ? inside(vendor, path.slice('/vendor/graphql-ws/'.length))
      : inside(here, path === '/' ? 'index.html' : path);
    const type = file ? TYPES[extname(file)] : undefined;
    if (!file || !type) {
      res.writeHead(404).end('not found');
      return;
    }
    readFile(file).then(
      (body) => res.writeHead(200, { 'content-type': type }).end(body),
      () => res.writeHead(404).end('not found'),
    );
  });

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  exampleServer().listen(port, () =>
    console.log(
      `browser example: http://localhost:${port}  (gateway: ws://localhost:4000/graphql, or add ?gateway=ws://host:port/graphql)`,
    ),
  );
}

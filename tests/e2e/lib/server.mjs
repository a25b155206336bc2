// Serves the fixture pages over HTTPS under any host name, so that site rules and frame match patterns
// see real host names (www.youtube.com, www.google.com/recaptcha/...). Chromium reaches it through
// --host-resolver-rules; Firefox through the CONNECT proxy started beside it.
//
//   https://<host>/<path>  →  tests/fixtures/sites/<host>/<path>    if that file exists
//                          →  tests/fixtures/heldout/<host>/<path>  (the held-out set) if that file exists
//                          →  tests/fixtures/<path>                  otherwise
// A path without that file may name `<path>.html`, so that real paths such as /vote?id=… or
// /album/4aawyAB9 are served as they are on the site. Requests of any method (a form that posts) get the file.
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import selfsigned from "selfsigned";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const FIXTURES = path.join(ROOT, "tests/fixtures");
const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css", ".json": "application/json", ".png": "image/png", ".svg": "image/svg+xml", ".wasm": "application/wasm" };

async function certificate() {
  const dir = path.join(ROOT, "tests/e2e/.certs");
  const keyFile = path.join(dir, "key.pem");
  const certFile = path.join(dir, "cert.pem");
  if (!fs.existsSync(certFile)) {
    const pems = await selfsigned.generate([{ name: "commonName", value: "digitus fixtures" }], { days: 3650, keySize: 2048 });
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(keyFile, pems.private);
    fs.writeFileSync(certFile, pems.cert);
  }
  return { key: fs.readFileSync(keyFile), cert: fs.readFileSync(certFile) };
}

/** The fixture file served for https://<host><urlPath>, or null (exported: the held-out runner checks where
 * each of its pages comes from). */
export function resolve(host, urlPath) {
  const clean = path.normalize(decodeURIComponent(urlPath.split("?")[0])).replace(/^(\.\.[/\\])+/, "");
  const rel = clean.endsWith("/") ? `${clean}index.html` : clean;
  for (const base of [path.join(FIXTURES, "sites", host), path.join(FIXTURES, "heldout", host), FIXTURES]) {
    for (const candidate of [rel, `${rel}.html`]) {
      const file = path.join(base, candidate);
      if (file.startsWith(FIXTURES) && fs.existsSync(file) && fs.statSync(file).isFile()) return file;
    }
  }
  return null;
}

function handler(req, res) {
  const host = (req.headers.host || "localhost").split(":")[0].toLowerCase();
  const file = resolve(host, req.url);
  if (!file) {
    res.writeHead(404, { "content-type": "text/plain" });
    res.end(`no fixture for ${host}${req.url}`);
    return;
  }
  const headers = { "content-type": TYPES[path.extname(file)] || "application/octet-stream", "cache-control": "no-store" };
  // Fixture pages may ask for a strict CSP, as real sites do, by a sibling file `<page>.csp`.
  if (fs.existsSync(`${file}.csp`)) headers["content-security-policy"] = fs.readFileSync(`${file}.csp`, "utf8").trim();
  res.writeHead(200, headers);
  fs.createReadStream(file).pipe(res);
}

/** Starts the HTTPS fixture server and a CONNECT proxy in front of it; resolves to their ports. */
export async function startServer() {
  const tls = await certificate();
  const server = https.createServer(tls, handler);
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const httpsPort = server.address().port;
  const proxy = http.createServer((req, res) => {
    res.writeHead(502);
    res.end("only CONNECT");
  });
  proxy.on("connect", (req, client, head) => {
    const upstream = net.connect(httpsPort, "127.0.0.1", () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
  });
  await new Promise((r) => proxy.listen(0, "127.0.0.1", r));
  const proxyPort = proxy.address().port;
  return {
    httpsPort,
    proxyPort,
    close: async () => {
      server.closeAllConnections?.();
      proxy.closeAllConnections?.();
      await Promise.all([new Promise((r) => server.close(r)), new Promise((r) => proxy.close(r))]);
    },
  };
}

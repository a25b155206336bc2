// Serves the classroom demo: www/ at /, the wasm core at /pkg/, the sensor at /sensor.js, the built
// packages at /download/. On localhost unless a host is given. Usage: node www/serve.mjs [port] [host]
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const OUT = process.env.DIGITUS_OUT || ROOT;
const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css", ".json": "application/json", ".wasm": "application/wasm", ".zip": "application/zip", ".png": "image/png", ".svg": "image/svg+xml" };
const ROUTES = [
  ["/pkg/", path.join(OUT, "build/pkg")],
  ["/download/", path.join(OUT, "dist")],
  ["/common.js", path.join(ROOT, "extension/content/common.js")],
  ["/sensor.js", path.join(ROOT, "extension/content/sensor.js")],
  ["/style.css", path.join(ROOT, "extension/style.css")],
  ["/", path.join(ROOT, "www")],
];

function locate(urlPath) {
  const clean = path.posix.normalize(decodeURIComponent(urlPath.split("?")[0]));
  for (const [prefix, base] of ROUTES) {
    if (clean === prefix || (prefix.endsWith("/") && clean.startsWith(prefix))) {
      const rest = clean.slice(prefix.length);
      const file = prefix.endsWith("/") ? path.join(base, rest || "index.html") : base;
      if (file.startsWith(base) && fs.existsSync(file) && fs.statSync(file).isFile()) return file;
      return null;
    }
  }
  return null;
}

export function startDemoServer(port = 8080, host = "127.0.0.1") {
  const server = http.createServer((req, res) => {
    const file = locate(req.url);
    if (!file) {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
      res.end("not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] || "application/octet-stream", "cache-control": "no-store" });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.argv[2] || 8080);
  const host = process.argv[3] || "127.0.0.1"; // HOST=0.0.0.0 to let a classroom's machines reach it
  await startDemoServer(port, host);
  console.log(`classroom demo on http://${host === "127.0.0.1" ? "localhost" : host}:${port}/`);
}

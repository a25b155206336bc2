// The browser benchmarks' pages run inside a copy of the built Chromium extension whose `pkg/` is the module
// built with the "bench" feature (bulk fills, timed reads, both codecs): the shipped package never carries
// either. `scripts/build.sh --bench` builds that module into build/pkg-bench.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CHROMIUM_DIST } from "../../tests/e2e/lib/chromium.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "../..");

/** Makes dist/chromium-<name> from the built extension with the bench module, and copies each page file
 * (`[file in bench/browser, name in the copy]`) into it. Answers the copy's directory. */
export function benchExtension(name, pages) {
  const dist = path.join(path.dirname(CHROMIUM_DIST), `chromium-${name}`);
  fs.rmSync(dist, { recursive: true, force: true });
  fs.cpSync(CHROMIUM_DIST, dist, { recursive: true });
  const benchPkg = path.join(process.env.DIGITUS_OUT || ROOT, "build/pkg-bench");
  if (!fs.existsSync(benchPkg)) throw new Error("build the bench module first: bash scripts/build.sh --bench");
  fs.rmSync(path.join(dist, "pkg"), { recursive: true });
  fs.cpSync(benchPkg, path.join(dist, "pkg"), { recursive: true });
  for (const [from, to] of pages) fs.copyFileSync(path.join(HERE, from), path.join(dist, to));
  return dist;
}

// Starts the real class server (crates/class, the `digitus-class` binary) on a free port, serving this
// checkout's lab and the build output (DIGITUS_OUT, as scripts/build.sh). Builds it first if needed
// (a debug build: a no-op when up to date).
import { execFileSync, spawn } from "node:child_process";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

export async function startClassServer(args = []) {
  execFileSync("cargo", ["build", "--quiet", "-p", "digitus-class", "--bin", "digitus-class"], { cwd: ROOT, stdio: "inherit" });
  const target = process.env.CARGO_TARGET_DIR || path.join(ROOT, "target");
  const child = spawn(path.join(target, "debug/digitus-class"), ["--host", "127.0.0.1", "--port", "0", "--root", ROOT, ...args], {
    cwd: ROOT,
    env: { ...process.env, DIGITUS_OUT: process.env.DIGITUS_OUT || ROOT, PORT: "", HOST: "" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = readline.createInterface({ input: child.stdout });
  const first = await new Promise((resolve, reject) => {
    lines.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`digitus-class exited with ${code}`)));
  });
  lines.on("line", () => {}); // keep reading: the server may print more
  const base = first.trim().split(" ").pop().replace(/\/$/, "");
  return {
    base,
    child,
    close: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", resolve);
      child.kill("SIGINT");
    }),
  };
}

// The lookout process under test: build (or $LOOKOUT_BIN), start on
// loopback with kernel-chosen ports, read the bound addresses from its JSON
// "lookout started" log line, and stop it.

import { spawn, execFileSync } from "node:child_process";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/**
 * startLookout builds ./cmd/lookout into tmp (unless $LOOKOUT_BIN is set),
 * starts `lookout serve` with its data under tmp, and resolves to the bound
 * addresses { http, otlpHTTP, xrayUDP } once it has logged "lookout started".
 * onSpawn receives the child process as soon as it exists, so that it can be
 * stopped even when starting fails. bin is a lookout already built, extra
 * more flags of serve.
 */
export async function startLookout({ tmp, log, onSpawn, bin: built, extra = [] }) {
  let bin = built ?? process.env.LOOKOUT_BIN;
  if (!bin) {
    bin = join(tmp, "lookout");
    log("go build ./cmd/lookout");
    execFileSync("go", ["build", "-o", bin, "./cmd/lookout"], { cwd: repo, stdio: "inherit" });
  }
  const args = ["serve", "--data-dir", join(tmp, "data"), "--http-addr", "127.0.0.1:0", "--otlp-grpc-addr", "127.0.0.1:0",
    "--otlp-http-addr", "127.0.0.1:0", "--xray-addr", "127.0.0.1:0", "--log-format", "json", ...extra];
  const server = spawn(bin, args, { stdio: ["ignore", "ignore", "pipe"] });
  onSpawn(server);
  const stderr = [];
  return await new Promise((resolveAddrs, reject) => {
    const timer = setTimeout(() => reject(new Error("lookout did not start in 60s:\n" + stderr.join(""))), 60_000);
    let buf = "";
    server.stderr.setEncoding("utf8");
    server.stderr.on("data", (chunk) => {
      stderr.push(chunk);
      buf += chunk;
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        try {
          const rec = JSON.parse(line);
          if (rec.msg === "lookout started") {
            clearTimeout(timer);
            resolveAddrs({ http: rec.http, otlpHTTP: rec.otlp_http, xrayUDP: rec.xray_udp });
          }
          if (rec.level === "ERROR") console.error("lookout:", line);
        } catch {
          // not a JSON line
        }
      }
    });
    server.on("exit", (code) => reject(new Error(`lookout exited with ${code}:\n${stderr.join("")}`)));
  });
}

/** stopLookout sends SIGTERM to a running server and waits for it to exit (SIGKILL after 10 s). */
export async function stopLookout(server) {
  if (server && server.exitCode === null) {
    server.kill("SIGTERM");
    await new Promise((r) => {
      const t = setTimeout(() => (server.kill("SIGKILL"), r()), 10_000);
      server.on("exit", () => (clearTimeout(t), r()));
    });
  }
}

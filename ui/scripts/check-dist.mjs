// Fails when the committed bundle (ui/dist) is not what `npm run build`
// makes from the current sources: builds into a temporary directory and
// compares every file.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const uiDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const out = mkdtempSync(join(tmpdir(), "lookout-ui-dist-"));
const list = (dir) =>
  readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort();
try {
  execFileSync("npx", ["tsc", "--noEmit"], { cwd: uiDir, stdio: "inherit" });
  execFileSync("npx", ["vite", "build", "--logLevel", "warn", "--outDir", out, "--emptyOutDir"], { cwd: uiDir, stdio: "inherit" });
  const want = list(out);
  const have = list(join(uiDir, "dist"));
  const diff = [
    ...want.filter((f) => !have.includes(f)).map((f) => "missing " + f),
    ...have.filter((f) => !want.includes(f)).map((f) => "extra " + f),
    ...want.filter((f) => have.includes(f) && !readFileSync(join(out, f)).equals(readFileSync(join(uiDir, "dist", f)))).map((f) => "differs " + f),
  ];
  if (diff.length) {
    console.error(`ui/dist is stale (${relative(process.cwd(), uiDir) || "."}): run \`npm run build\` in ui/ and commit dist.\n  ` + diff.join("\n  "));
    process.exit(1);
  }
  console.log("ui/dist matches the sources");
} finally {
  rmSync(out, { recursive: true, force: true });
}

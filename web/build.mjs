// Bundle the widget: `npm run build` writes ../rasa_plugins/channels/web/static/lantern-widget.js (committed, so
// `make run` needs no Node); `npm run check` fails when that file is not what the sources build.
import { build } from "esbuild";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const out = fileURLToPath(new URL("../rasa_plugins/channels/web/static/lantern-widget.js", import.meta.url));
const check = process.argv.includes("--check");
const result = await build({
  entryPoints: [fileURLToPath(new URL("./src/widget.js", import.meta.url))],
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2019", "chrome80", "safari13", "firefox78"],
  loader: { ".css": "text" },
  legalComments: "eof",
  banner: { js: "/* Lantern chat widget. Built from web/src by esbuild; includes socket.io-client (MIT). */" },
  outfile: out,
  write: !check,
  logLevel: "warning",
});
if (check) {
  const built = result.outputFiles[0].text;
  let current = "";
  try { current = readFileSync(out, "utf8"); } catch (_) { /* missing */ }
  if (built !== current) {
    console.error("rasa_plugins/channels/web/static/lantern-widget.js is out of date: run `make widget` (npm run build in web/)");
    process.exit(1);
  }
  console.log("widget bundle is up to date");
}

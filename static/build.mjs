// Builds the front-end packages into static/vendor/ (not committed).
// GOV.UK Frontend is compiled from Sass with Arial instead of GDS Transport,
// because this is a council service and not part of GOV.UK.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { compile } from "sass";

const govuk = "node_modules/govuk-frontend/dist/govuk";
const out = "static/vendor/govuk";

rmSync("static/vendor", { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const css = compile("static/css/app.scss", {
  style: "compressed",
  loadPaths: ["."],
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(`${out}/app.css`, css.css);
cpSync(`${govuk}/govuk-frontend.min.js`, `${out}/govuk-frontend.min.js`);
cpSync(`${govuk}/assets`, `${out}/assets`, { recursive: true });
// idb: a small promise wrapper over IndexedDB, used by the offline visit form (an ES module).
mkdirSync("static/vendor/idb", { recursive: true });
cpSync("node_modules/idb/build/index.js", "static/vendor/idb/index.js");
console.log(`built ${out}: app.css ${css.css.length} bytes`);

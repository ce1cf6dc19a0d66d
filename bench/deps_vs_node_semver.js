// Ferret's npm dependency findings beside npm's own range logic (node-semver), same data.
//
// Usage: node bench/deps_vs_node_semver.js NODE_MODULES INVENTORY.json FINDINGS.json NSWG_DIR
//   NODE_MODULES    a folder where `npm install semver@7` was run (its node_modules)
//   INVENTORY.json  `ferret deps list TREE --format json`
//   FINDINGS.json   `ferret scan TREE --select deps --format json` against a database imported
//                   from bench/osv_corpus.py's output
//   NSWG_DIR        that output (the nswg-*.json records keep each advisory's original
//                   `vulnerable_versions` range expression)
//
// Expected: every (advisory, package, version) where semver.satisfies(version, range) holds
// for an npm package of the inventory. Compared with Ferret's NSWG-ECO-* findings.
const fs = require("fs");
const path = require("path");
const semver = require(path.join(process.argv[2], "semver"));
const inventory = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
const report = JSON.parse(fs.readFileSync(process.argv[4], "utf8"));
const dir = process.argv[5];
const byName = new Map();
for (const file of fs.readdirSync(dir).filter((f) => f.startsWith("nswg-"))) {
  const record = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"));
  const name = record.affected[0].package.name;
  if (!byName.has(name)) byName.set(name, []);
  byName.get(name).push([record.id, record.database_specific.vulnerable_versions]);
}
const expected = new Set();
let packages = 0;
for (const lockfile of inventory.lockfiles) {
  for (const p of lockfile.packages) {
    if (p.ecosystem !== "npm") continue;
    packages++;
    for (const [id, range] of byName.get(p.name) || []) {
      if (semver.satisfies(p.version, range, { loose: true })) {
        expected.add(`${id} ${lockfile.path} ${p.name} ${p.version}`);
      }
    }
  }
}
const found = new Set();
for (const f of report.findings) {
  if (!f.rule_id.startsWith("NSWG-ECO-")) continue;
  const [name, version] = f.title.split(":")[0].split(" ");
  found.add(`${f.rule_id} ${f.location.path} ${name} ${version}`);
}
const onlyExpected = [...expected].filter((x) => !found.has(x));
const onlyFerret = [...found].filter((x) => !expected.has(x));
console.log(`npm packages: ${packages}; node-semver says affected: ${expected.size}; ferret reports: ${found.size}`);
console.log(`same: ${expected.size - onlyExpected.length}; only node-semver: ${onlyExpected.length}; only ferret: ${onlyFerret.length}`);
for (const x of onlyExpected.slice(0, 15)) console.log(`  only node-semver: ${x}`);
for (const x of onlyFerret.slice(0, 15)) console.log(`  only ferret: ${x}`);
process.exit(onlyExpected.length + onlyFerret.length === 0 ? 0 : 1);

// Reads cargo's JSON messages on stdin and prints the path of the .wasm it
// built for the crate named in argv[2]: the hashed file in deps/, not the
// copy in release/, which another checkout sharing CARGO_TARGET_DIR may
// have overwritten.
const name = process.argv[2];
let found = "";
for (const line of require("node:fs").readFileSync(0, "utf8").split("\n")) {
  if (!line.startsWith("{")) continue;
  const m = JSON.parse(line);
  if (m.reason === "compiler-artifact" && m.target?.name === name) {
    found = m.filenames.find((f) => f.endsWith(".wasm")) ?? found;
  }
}
if (!found) {
  console.error(`cargo built no .wasm for ${name}`);
  process.exit(1);
}
console.log(found);

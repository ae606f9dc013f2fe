// Lists the largest functions of a wasm file that still has its name
// section (wasm-bindgen --keep-debug), to see what the size budget pays for.
const fs = require("node:fs");
const b = fs.readFileSync(process.argv[2]);
const top = Number(process.argv[3] ?? 30);
let p = 8;
const leb = () => {
  let r = 0, s = 0, x;
  do { x = b[p++]; r += (x & 0x7f) * 2 ** s; s += 7; } while (x & 0x80);
  return r;
};
const sizes = [];
const names = {};
let imports = 0;
while (p < b.length) {
  const id = b[p++];
  const len = leb();
  const end = p + len;
  if (id === 2) {
    const n = leb();
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < 2; k++) { const l = leb(); p += l; }
      const kind = b[p++];
      if (kind === 0) { leb(); imports++; }
      else if (kind === 1) { p++; const f = b[p++]; leb(); if (f & 1) leb(); }
      else if (kind === 2) { const f = b[p++]; leb(); if (f & 1) leb(); }
      else if (kind === 3) { p += 2; }
    }
  } else if (id === 10) {
    const n = leb();
    for (let i = 0; i < n; i++) { const l = leb(); sizes.push(l); p += l; }
  } else if (id === 0) {
    const nl = leb();
    const name = b.subarray(p, p + nl).toString();
    p += nl;
    if (name === "name") {
      while (p < end) {
        const sid = b[p++];
        const sl = leb();
        const se = p + sl;
        if (sid === 1) {
          const n = leb();
          for (let i = 0; i < n; i++) { const idx = leb(); const l = leb(); names[idx] = b.subarray(p, p + l).toString(); p += l; }
        }
        p = se;
      }
    }
  }
  p = end;
}
const rows = sizes.map((s, i) => [s, names[i + imports] ?? `func${i}`]).sort((x, y) => y[0] - x[0]);
console.log(`code: ${sizes.reduce((a, c) => a + c, 0)} bytes in ${sizes.length} functions`);
const groups = {};
for (const [s, n] of rows) {
  const g = (n.match(/^<?([a-z_0-9]+)(::|\[)/) ?? [, "other"])[1];
  groups[g] = (groups[g] ?? 0) + s;
}
console.log(Object.entries(groups).sort((x, y) => y[1] - x[1]).slice(0, 12).map(([g, s]) => `${g}=${s}`).join(" "));
for (const [s, n] of rows.slice(0, top)) console.log(String(s).padStart(7), n.slice(0, 120));

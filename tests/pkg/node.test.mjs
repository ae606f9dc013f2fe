// The assembled package in Node: `import` and `require` both load it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import * as esm from "ocr-edge";
import { exercise } from "./samples.mjs";

const cjs = createRequire(import.meta.url)("ocr-edge");

for (const [name, api] of [["import", esm], ["require", cjs]]) {
  test(`package via ${name}`, async () => {
    for (const [what, actual, expected] of await exercise(api)) {
      assert.deepEqual(actual, expected, what);
    }
  });
}

test("import and require share one instance", () => {
  assert.equal(esm.probeImage, cjs.probeImage);
});

// The probe measurement in Chromium: loads the package and the bundled peers,
// fetches the corpus from the bench's server and runs bench/probe-core.js.
import { load, time, timeSync } from "./util.js";
import { measure } from "../probe-core.js";

export async function run({ files, reps, batchMs, peersUrl }) {
  const ours = await import("/pkg/web/index.js");
  await ours.init();
  const peers = await import(peersUrl);
  const loaded = [];
  for (const f of files) loaded.push({ ...f, ...(await load(f.url)) });
  const libs = { ours, ...peers };
  return measure({ libs, files: loaded, timeSync, time, reps, batchMs, withBlob: true });
}

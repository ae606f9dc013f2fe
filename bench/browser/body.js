// Body building in Chromium: timing in the page; memory is read by the Node
// side over CDP around single calls (prepare/once below).
import { browserMethods } from "../body-methods.js";
import { load, time } from "./util.js";

const state = { files: {}, out: null };

export async function prepare(files) {
  state.ours = await import("/pkg/web/index.js");
  await state.ours.init();
  for (const f of files) state.files[f.name] = await load(f.url);
  return Object.keys(browserMethods());
}

export async function timeAll({ names, reps }) {
  const methods = browserMethods();
  const out = {};
  for (const [m, fn] of Object.entries(methods)) {
    out[m] = {};
    for (const n of names) {
      const { bytes, blob } = state.files[n];
      out[m][n] = { ...(await time(() => fn(state.ours, bytes, blob), { warmup: 2, reps })), body: (await fn(state.ours, bytes, blob)).length };
    }
  }
  return out;
}

/** One call whose result stays referenced, so its memory is still counted. */
export async function once({ method, name }) {
  const { bytes, blob } = state.files[name];
  state.out = await browserMethods()[method](state.ours, bytes, blob);
  return state.out.length;
}

export function release() {
  state.out = null;
}

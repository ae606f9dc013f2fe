// HEIC/HEIF decoding for fitImage where the runtime has no decoder of its
// own (Chromium, Firefox, Node). libheif-js (LGPL-3.0) is an optional peer
// dependency: it is imported, unmodified, from the application's
// node_modules the first time a HEIF arrives, and never bundled into this
// package. The specifier is not a literal so that bundlers neither fail when
// it is absent nor pull it into every bundle; a bundled app passes
// `loadHeif: () => import("libheif-js/wasm-bundle")` to fitImage instead.
const SPECIFIER = "libheif-js/libheif-wasm/libheif-bundle.mjs";

let loaded;

async function load(loadHeif) {
  const mod = await (loadHeif ? loadHeif() : import(/* @vite-ignore */ /* webpackIgnore: true */ SPECIFIER));
  // The ES module's default is a factory; `libheif-js/wasm-bundle` (CommonJS) is the instance.
  const lib = typeof mod?.default === "function" ? await mod.default() : (mod?.default ?? mod);
  if (typeof lib?.HeifDecoder !== "function") throw new Error("the module loaded is not libheif-js");
  return lib;
}

const failure = (stage, e) => ({ stage, message: String(e?.message ?? e) });

/** Decodes the primary image to upright RGBA: `{ width, height, data }`. */
export async function decodeHeif(bytes, loadHeif) {
  let lib;
  try {
    loaded ??= load(loadHeif);
    lib = await loaded;
  } catch (e) {
    loaded = undefined;
    throw failure("load", e);
  }
  const decoder = new lib.HeifDecoder();
  let images = [];
  try {
    images = decoder.decode(bytes);
    const image = images.find((i) => i.is_primary()) ?? images[0];
    if (!image) throw new Error("libheif found no image in the file");
    const width = image.get_width();
    const height = image.get_height();
    const data = new Uint8ClampedArray(width * height * 4);
    const out = await new Promise((resolve) => image.display({ data, width, height }, resolve));
    if (!out) throw new Error("libheif could not decode the primary image");
    return { width, height, data };
  } catch (e) {
    throw e?.stage ? e : failure("decode", e);
  } finally {
    for (const i of images) i.free();
    // The decoder's context holds the whole file in libheif's heap.
    if (decoder.decoder) lib.heif_context_free(decoder.decoder);
    decoder.decoder = null;
  }
}

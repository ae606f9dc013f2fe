// Bundles the browser peers (image-size, image-dimensions,
// browser-image-compression) into one ES module the bench page imports.
import fs from "node:fs";
import path from "node:path";
import { benchDir, cacheDir } from "./lib.mjs";

export const PEERS_URL = "/bench/.cache/peers.browser.js";

export async function bundleBrowserPeers() {
  const esbuild = await import("esbuild");
  fs.mkdirSync(cacheDir, { recursive: true });
  const entry = path.join(cacheDir, "peers.entry.mjs");
  fs.writeFileSync(
    entry,
    [
      `export { imageSize } from "image-size";`,
      `export { imageDimensionsFromData, imageDimensionsFromStream } from "image-dimensions";`,
      `export { default as imageCompression } from "browser-image-compression";`,
    ].join("\n"),
  );
  await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "browser",
    outfile: path.join(cacheDir, "peers.browser.js"),
    logLevel: "silent",
    nodePaths: [path.join(benchDir, "node_modules")],
  });
}

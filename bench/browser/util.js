// Timing helpers for the bench page (the same rules as bench/lib.mjs).
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** ms per call: `warmup` runs, then `reps` batches of `inner` calls. */
export async function time(fn, { warmup = 3, reps = 15, inner = 1 } = {}) {
  for (let i = 0; i < warmup; i++) await fn();
  const samples = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    for (let i = 0; i < inner; i++) await fn();
    samples.push((performance.now() - t0) / inner);
  }
  return { median: median(samples), min: Math.min(...samples), reps };
}

export function timeSync(fn, { warmup = 3, reps = 15, inner = 1 } = {}) {
  for (let i = 0; i < warmup; i++) fn();
  const samples = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    for (let i = 0; i < inner; i++) fn();
    samples.push((performance.now() - t0) / inner);
  }
  return { median: median(samples), min: Math.min(...samples), reps };
}

export async function load(url) {
  const blob = await (await fetch(url)).blob();
  return { blob, bytes: new Uint8Array(await blob.arrayBuffer()) };
}

// `CaptureLedger`: the edge worker's state across isolates and locations, a
// Durable Object bound as `CAPTURE_LEDGER`. One object per name, each holding
// one small record, so no object is a hot spot for more than its own key:
//   t:<jti>             a capture token's calls, successes and revocation;
//   k:<route>:<key>     an Idempotency-Key's claim and the answer it got;
//   d:<YYYY-MM-DD>      the account's billed calls that day (UTC).
// A Durable Object runs one call at a time with its storage reads and writes
// gated, so each method below is atomic. Records delete themselves by alarm.
import { DurableObject } from "cloudflare:workers";

// Storage values are capped at 128 KiB; answers are kept in pieces.
const PIECE = 100_000;

export class CaptureLedger extends DurableObject {
  async #get(key, dflt) {
    const v = await this.ctx.storage.get(key);
    return v === undefined ? dflt : v;
  }

  async #expireAt(ms) {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current < ms) await this.ctx.storage.setAlarm(ms);
  }

  /** A token spends one call: refused when revoked or out of calls. */
  async spend({ maxCalls, maxSuccesses, expiresAt }) {
    const t = await this.#get("token", { calls: 0, successes: 0, revoked: false });
    if (t.revoked) return { refused: "revoked" };
    if (t.calls >= maxCalls || t.successes >= maxSuccesses) return { refused: "spent" };
    t.calls += 1;
    await this.ctx.storage.put("token", t);
    await this.#expireAt(expiresAt);
    return { ok: true };
  }

  /** Whether the token is revoked (a replayed answer still needs a live token). */
  async revoked() {
    return (await this.#get("token", { revoked: false })).revoked;
  }

  /** After the call: a call that never reached the provider is given back. */
  async settle({ billed, success }) {
    const t = await this.#get("token", { calls: 0, successes: 0, revoked: false });
    if (!billed) t.calls = Math.max(0, t.calls - 1);
    if (success) t.successes += 1;
    await this.ctx.storage.put("token", t);
  }

  /** Revokes the token until its expiry. */
  async revoke({ expiresAt }) {
    const t = await this.#get("token", { calls: 0, successes: 0, revoked: false });
    t.revoked = true;
    await this.ctx.storage.put("token", t);
    await this.#expireAt(expiresAt);
  }

  /**
   * Claims an idempotency key: `{ replay }` with the first answer, `{ pending }`
   * while another request holds it, or `{ fresh }` (now held for `leaseMs`).
   */
  async claim({ now, leaseMs, keepMs }) {
    const k = await this.#get("key", null);
    if (k?.state === "done") {
      const parts = await this.ctx.storage.get([...Array(k.pieces).keys()].map((i) => `a${i}`));
      const body = [...Array(k.pieces).keys()].map((i) => parts.get(`a${i}`) ?? "").join("");
      return { replay: { status: k.status, body } };
    }
    if (k?.state === "pending" && k.until > now) return { pending: true };
    await this.ctx.storage.put("key", { state: "pending", until: now + leaseMs });
    await this.#expireAt(now + keepMs);
    return { fresh: true };
  }

  /** Keeps the answer the key got, for resends. */
  async store({ status, body }) {
    const pieces = {};
    let n = 0;
    for (let i = 0; i < body.length; i += PIECE) pieces[`a${n++}`] = body.slice(i, i + PIECE);
    await this.ctx.storage.put(pieces);
    await this.ctx.storage.put("key", { state: "done", status, pieces: n });
  }

  /** Frees a claimed key whose call got no answer worth keeping. */
  async release() {
    await this.ctx.storage.delete("key");
  }

  /** Counts one billed call of the day; refused at `cap`. */
  async count({ cap, expiresAt }) {
    const n = await this.#get("count", 0);
    if (n >= cap) return { over: true };
    await this.ctx.storage.put("count", n + 1);
    await this.#expireAt(expiresAt);
    return { ok: true };
  }

  async alarm() {
    await this.ctx.storage.deleteAll();
  }
}

// A minimal worker that imports the package's workerd entry.
import * as api from "../../pkg/workerd/index.js";
import { exercise } from "./samples.mjs";

export default {
  async fetch() {
    try {
      return Response.json(await exercise(api));
    } catch (e) {
      return Response.json({ error: String(e), stack: e.stack }, { status: 500 });
    }
  },
};

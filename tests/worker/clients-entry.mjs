// A worker that signs its own calls with the package's clients, as a team
// without the edge proxy would: POST /<client>/<method> with the image as
// the body and the other parameters as JSON in `?params=`; the answer is the
// result, or the error's fields with status 500.
import { HuaweiClient, TencentClient } from "../../pkg/workerd/index.js";

function clients(env) {
  return {
    huawei: new HuaweiClient({
      endpoint: env.EMULATOR,
      projectId: env.HUAWEI_PROJECT_ID,
      credentials: { accessKey: env.HUAWEI_AK, secretKey: env.HUAWEI_SK },
      maxRetries: 0,
    }),
    tencent: new TencentClient({
      endpoint: env.EMULATOR,
      credentials: { secretId: env.TENCENT_SECRET_ID, secretKey: env.TENCENT_SECRET_KEY },
      maxRetries: 0,
    }),
  };
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const [, client, method] = url.pathname.split("/");
    const params = JSON.parse(url.searchParams.get("params") ?? "{}");
    const body = new Uint8Array(await request.arrayBuffer());
    if (body.length) params.image = body;
    try {
      return Response.json(await clients(env)[client][method](params));
    } catch (e) {
      const { code, kind, status, message } = e;
      return Response.json({ code, kind, status, message, violations: e.violations ?? [] }, { status: 500 });
    }
  },
};

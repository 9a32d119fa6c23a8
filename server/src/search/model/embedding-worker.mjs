// The embedding model's own thread: tokenising and running a transformer over a 100 KB
// snippet takes tens of milliseconds of CPU, which must never run on the event loop. Plain
// JavaScript so that any runner (tsx, vitest, compiled output) can start it as a Worker.
// Messages in: { id, texts }; out: { id, vectors } (unit-length Float32Arrays) or { id, error }.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parentPort, workerData } from "node:worker_threads";
import { Tokenizer } from "@huggingface/tokenizers";
import ort from "onnxruntime-node";

const { dir, spec, threads } = workerData;
const tokenizer = new Tokenizer(JSON.parse(readFileSync(join(dir, spec.tokenizer), "utf8")), {});
const session = await ort.InferenceSession.create(join(dir, spec.onnx), {
  intraOpNumThreads: threads,
  interOpNumThreads: 1,
  graphOptimizationLevel: "all",
});
const needsTypes = session.inputNames.includes("token_type_ids");

/** Token ids cut to the model's window, keeping the closing [SEP]. */
function encode(text) {
  const { ids } = tokenizer.encode(text);
  if (ids.length <= spec.maxTokens) return ids;
  return [...ids.slice(0, spec.maxTokens - 1), ids[ids.length - 1]];
}

async function embed(texts) {
  const encoded = texts.map(encode);
  const width = Math.max(...encoded.map((e) => e.length));
  const n = encoded.length;
  const ids = new BigInt64Array(n * width);
  const mask = new BigInt64Array(n * width);
  encoded.forEach((e, i) => {
    e.forEach((t, j) => {
      ids[i * width + j] = BigInt(t);
      mask[i * width + j] = 1n;
    });
  });
  const feeds = {
    input_ids: new ort.Tensor("int64", ids, [n, width]),
    attention_mask: new ort.Tensor("int64", mask, [n, width]),
  };
  if (needsTypes)
    feeds.token_type_ids = new ort.Tensor("int64", new BigInt64Array(n * width), [n, width]);
  const out = await session.run(feeds);
  const hidden = out[session.outputNames[0]];
  const [, , d] = hidden.dims;
  const data = hidden.data;
  return encoded.map((e, i) => {
    const v = new Float32Array(d);
    if (spec.pooling === "cls") {
      for (let k = 0; k < d; k++) v[k] = data[i * width * d + k];
    } else {
      for (let j = 0; j < e.length; j++) {
        const base = (i * width + j) * d;
        for (let k = 0; k < d; k++) v[k] += data[base + k];
      }
      for (let k = 0; k < d; k++) v[k] /= e.length;
    }
    let norm = 0;
    for (let k = 0; k < d; k++) norm += v[k] * v[k];
    norm = Math.sqrt(norm) || 1;
    for (let k = 0; k < d; k++) v[k] /= norm;
    return v;
  });
}

/** Texts of similar length go together: padding a 10-token query to a 256-token document
 * would multiply its cost. */
async function embedAll(texts) {
  const order = texts.map((_t, i) => i).sort((a, b) => texts[a].length - texts[b].length);
  const result = new Array(texts.length);
  for (let s = 0; s < order.length; s += 16) {
    const group = order.slice(s, s + 16);
    const vectors = await embed(group.map((i) => texts[i]));
    group.forEach((i, k) => {
      result[i] = vectors[k];
    });
  }
  return result;
}

parentPort.on("message", async ({ id, texts }) => {
  try {
    const vectors = await embedAll(texts);
    parentPort.postMessage({ id, vectors });
  } catch (err) {
    parentPort.postMessage({ id, error: String(err?.message ?? err) });
  }
});
parentPort.postMessage({ ready: true });

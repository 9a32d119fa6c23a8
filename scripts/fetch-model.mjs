#!/usr/bin/env node
// Install-time fetch of the search embedding model (never at request time): LangChain4j
// publishes sentence-embedding models on Maven Central as jars that hold the ONNX file and
// its tokenizer. A jar is a zip, so no Java is needed: download, check the pinned SHA-256,
// unpack the two files into .models/<name>/. Run by `npm install` (postinstall) and again
// before `npm start` when the files are missing; without network it warns and the server
// falls back to the offline embedder.
//   node scripts/fetch-model.mjs            the default model (server/src/search/model/models.json)
//   node scripts/fetch-model.mjs NAME...    named models; `--all` for every listed one
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { get } from "node:https";
import { join } from "node:path";
import AdmZip from "adm-zip";

const root = new URL("..", import.meta.url).pathname;
const catalog = JSON.parse(readFileSync(join(root, "server/src/search/model/models.json"), "utf8"));
const modelsDir = process.env.EMBEDDING_MODEL_DIR || join(root, ".models");
const repository = (process.env.MAVEN_REPOSITORY_URL || "https://repo1.maven.org/maven2").replace(
  /\/$/,
  "",
);

function download(url, redirects = 5) {
  return new Promise((resolve, reject) => {
    const req = get(url, { timeout: 60_000 }, (res) => {
      if (res.statusCode >= 300 && res.statusCode < 400 && res.headers.location && redirects > 0) {
        res.resume();
        resolve(download(new URL(res.headers.location, url).toString(), redirects - 1));
        return;
      }
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`GET ${url}: HTTP ${res.statusCode}`));
        return;
      }
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve(Buffer.concat(chunks)));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`GET ${url}: timed out`)));
    req.on("error", reject);
  });
}

export async function fetchModel(name) {
  const m = catalog.models[name];
  if (!m) throw new Error(`unknown model ${name}`);
  const dir = join(modelsDir, name);
  const marker = join(dir, "sha256");
  if (existsSync(marker) && readFileSync(marker, "utf8").trim() === m.sha256) return false;
  const [group, artifact, version] = m.artifact.split(":");
  const url = `${repository}/${group.replaceAll(".", "/")}/${artifact}/${version}/${artifact}-${version}.jar`;
  const jar = await download(url);
  const sum = createHash("sha256").update(jar).digest("hex");
  if (sum !== m.sha256) throw new Error(`${url}: SHA-256 ${sum}, expected ${m.sha256}`);
  const zip = new AdmZip(jar);
  mkdirSync(dir, { recursive: true });
  for (const file of [m.onnx, m.tokenizer]) {
    const entry = zip.getEntry(file);
    if (!entry) throw new Error(`${url}: no ${file} inside`);
    // Write then rename, so a crash never leaves a half file that looks installed.
    writeFileSync(join(dir, `${file}.part`), entry.getData());
    renameSync(join(dir, `${file}.part`), join(dir, file));
  }
  writeFileSync(marker, `${m.sha256}\n`);
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const names = args.includes("--all")
    ? Object.keys(catalog.models)
    : args.length > 0
      ? args
      : [catalog.default];
  if (process.env.EMBEDDING_MODEL_FETCH === "skip") process.exit(0);
  for (const name of names) {
    try {
      const fetched = await fetchModel(name);
      console.log(`embedding model ${name}: ${fetched ? "installed" : "present"} in ${modelsDir}`);
    } catch (err) {
      // Not fatal: search works with the offline embedder until the model is installed.
      console.warn(
        `embedding model ${name} not installed (${err.message}); search uses the offline embedder`,
      );
    }
  }
}

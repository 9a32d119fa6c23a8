// Embeddings as float32 little-endian bytes: a quarter of the size of text arrays and
// decoded without parsing numbers.

export function encodeVector(v: number[]): Buffer {
  const out = Buffer.alloc(v.length * 4);
  v.forEach((x, i) => {
    out.writeFloatLE(x, i * 4);
  });
  return out;
}

export function decodeVectorInto(bytes: Uint8Array, target: Float32Array, offset: number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Math.min(bytes.byteLength / 4, target.length - offset);
  for (let i = 0; i < n; i++) target[offset + i] = view.getFloat32(i * 4, true);
}

export function decodeVector(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.byteLength / 4);
  decodeVectorInto(bytes, out, 0);
  return out;
}

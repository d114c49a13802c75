/**
 * Reads float32 tensors from a safetensors file held in memory: an 8-byte
 * little-endian header length, a JSON header naming each tensor's dtype, shape
 * and byte range, then the raw little-endian data.
 */

export interface Float32Tensor {
  shape: number[];
  data: Float32Array;
}

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

/** All F32 tensors by name (other dtypes, such as BERT's int64 position_ids buffer, are skipped). */
export function readSafetensors(bytes: Uint8Array): Map<string, Float32Tensor> {
  if (bytes.byteLength < 8) throw new SafetensorsError('safetensors file is shorter than its 8-byte header length');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength <= 0 || 8 + headerLength > bytes.byteLength) {
    throw new SafetensorsError(`safetensors header length ${headerLength} does not fit a ${bytes.byteLength}-byte file`);
  }
  let header: Record<string, HeaderEntry | Record<string, string>>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as typeof header;
  } catch {
    throw new SafetensorsError('safetensors header is not valid JSON');
  }
  const dataStart = 8 + headerLength;
  const tensors = new Map<string, Float32Tensor>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const {
      dtype,
      shape,
      data_offsets: [begin, end],
    } = entry as HeaderEntry;
    if (dtype !== 'F32') continue;
    const count = shape.reduce((n, d) => n * d, 1);
    if (end - begin !== count * 4 || dataStart + end > bytes.byteLength) {
      throw new SafetensorsError(`tensor ${name} [${shape.join(', ')}] has an inconsistent byte range ${begin}..${end}`);
    }
    // Copy so the tensor is 4-byte aligned whatever the header length was.
    const data = new Float32Array(count);
    new Uint8Array(data.buffer).set(bytes.subarray(dataStart + begin, dataStart + end));
    tensors.set(name, { shape, data });
  }
  return tensors;
}

/**
 * A minimal ONNX (protobuf) encoder: a graph of nodes with tensor initializers
 * and typed inputs/outputs. Enough for the BERT encoder `verbatim models install`
 * converts and for the tiny test models.
 * Field numbers follow onnx/onnx.proto (ModelProto, GraphProto, NodeProto, ...).
 */

const WIRE_VARINT = 0;
const WIRE_LENGTH_DELIMITED = 2;

/** ONNX TensorProto.DataType values used here. */
export const OnnxDataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT64: 7 } as const;
type OnnxDataTypeValue = (typeof OnnxDataType)[keyof typeof OnnxDataType];

/** ONNX AttributeProto.AttributeType values used here. */
const AttributeType = { FLOAT: 1, INT: 2, INTS: 7 } as const;

class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];

  private pushVarint(value: bigint): void {
    // Negative int64 values are encoded as their 64-bit two's complement (10 bytes).
    let v = BigInt.asUintN(64, value);
    const bytes: number[] = [];
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v > 0n) byte |= 0x80;
      bytes.push(byte);
    } while (v > 0n);
    this.chunks.push(Uint8Array.from(bytes));
  }

  private key(field: number, wireType: number): void {
    this.pushVarint(BigInt((field << 3) | wireType));
  }

  int(field: number, value: number | bigint): this {
    this.key(field, WIRE_VARINT);
    this.pushVarint(BigInt(value));
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.key(field, WIRE_LENGTH_DELIMITED);
    this.pushVarint(BigInt(value.length));
    this.chunks.push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  /** A 32-bit float field (wire type 5). */
  float(field: number, value: number): this {
    this.key(field, 5);
    const buf = new Uint8Array(4);
    new DataView(buf.buffer).setFloat32(0, value, true);
    this.chunks.push(buf);
    return this;
  }

  finish(): Uint8Array {
    const total = this.chunks.reduce((n, c) => n + c.length, 0);
    const out = new Uint8Array(total);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }
}

export interface OnnxTensor {
  name: string;
  dataType: OnnxDataTypeValue;
  dims: number[];
  /** Row-major values; FLOAT as Float32Array, INT64 as BigInt64Array, INT8/UINT8 as Int8Array/Uint8Array. */
  data: Float32Array | BigInt64Array | Int8Array | Uint8Array;
}

/** A dimension is either fixed (number) or symbolic (string such as 'batch'). */
interface OnnxValueInfo {
  name: string;
  dataType: OnnxDataTypeValue;
  shape: Array<number | string>;
}

export type OnnxAttribute = { name: string; int: number } | { name: string; float: number } | { name: string; ints: number[] };

export interface OnnxNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  attributes?: OnnxAttribute[];
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

function encodeTensor(tensor: OnnxTensor): Uint8Array {
  const w = new ProtoWriter();
  for (const dim of tensor.dims) w.int(1, dim);
  w.int(2, tensor.dataType);
  w.string(8, tensor.name);
  // raw_data is little-endian, which is what typed arrays hold on x86/ARM.
  const raw = new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
  w.bytes(9, raw);
  return w.finish();
}

function encodeValueInfo(info: OnnxValueInfo): Uint8Array {
  const shape = new ProtoWriter();
  for (const dim of info.shape) {
    const d = new ProtoWriter();
    if (typeof dim === 'number') d.int(1, dim);
    else d.string(2, dim);
    shape.bytes(1, d.finish());
  }
  const tensorType = new ProtoWriter().int(1, info.dataType).bytes(2, shape.finish());
  const type = new ProtoWriter().bytes(1, tensorType.finish());
  return new ProtoWriter().string(1, info.name).bytes(2, type.finish()).finish();
}

function encodeAttribute(attr: OnnxAttribute): Uint8Array {
  const w = new ProtoWriter().string(1, attr.name);
  if ('int' in attr) w.int(3, attr.int).int(20, AttributeType.INT);
  else if ('float' in attr) w.float(2, attr.float).int(20, AttributeType.FLOAT);
  else {
    for (const v of attr.ints) w.int(8, v);
    w.int(20, AttributeType.INTS);
  }
  return w.finish();
}

function encodeNode(node: OnnxNode, index: number): Uint8Array {
  const w = new ProtoWriter();
  for (const input of node.inputs) w.string(1, input);
  for (const output of node.outputs) w.string(2, output);
  w.string(3, node.name ?? `${node.opType}_${index}`);
  w.string(4, node.opType);
  for (const attr of node.attributes ?? []) w.bytes(5, encodeAttribute(attr));
  return w.finish();
}

function encodeGraph(graph: OnnxGraph): Uint8Array {
  const w = new ProtoWriter();
  graph.nodes.forEach((node, i) => w.bytes(1, encodeNode(node, i)));
  w.string(2, graph.name);
  for (const init of graph.initializers) w.bytes(5, encodeTensor(init));
  for (const input of graph.inputs) w.bytes(11, encodeValueInfo(input));
  for (const output of graph.outputs) w.bytes(12, encodeValueInfo(output));
  return w.finish();
}

/** Serialises a ModelProto (IR version 8, default-domain opset `opset`). */
export function encodeOnnxModel(graph: OnnxGraph, opset = 13, producer = 'verbatim'): Uint8Array {
  const opsetImport = new ProtoWriter().string(1, '').int(2, opset).finish();
  return new ProtoWriter().int(1, 8).string(2, producer).bytes(8, opsetImport).bytes(7, encodeGraph(graph)).finish();
}

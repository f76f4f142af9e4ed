/**
 * A tiny ONNX writer for tests: just enough protobuf (varints and length-delimited fields, field numbers from
 * onnx/onnx.proto) to build models whose outputs are constants, so adapters can be checked against known
 * boxes without shipping model files.
 */

/** TensorProto.DataType values. */
export const DataType = { FLOAT: 1, UINT8: 2, INT64: 7 } as const;
type DataTypeValue = (typeof DataType)[keyof typeof DataType];

class Writer {
  private readonly chunks: number[] = [];

  varint(value: number | bigint): this {
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.chunks.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.chunks.push(Number(v));
    return this;
  }

  /** Field key: field number and wire type (0 varint, 2 length-delimited, 5 fixed32). */
  private key(field: number, wireType: number): this {
    return this.varint((field << 3) | wireType);
  }

  int(field: number, value: number): this {
    return this.key(field, 0).varint(value);
  }

  bytes(field: number, value: Uint8Array): this {
    this.key(field, 2).varint(value.length);
    for (const b of value) this.chunks.push(b);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, build: (w: Writer) => void): this {
    const inner = new Writer();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  float(field: number, value: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.key(field, 5);
    for (const x of b) this.chunks.push(x);
    return this;
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}

export interface TensorValue {
  dims: readonly number[];
  dataType: DataTypeValue;
  /** Values in row-major order. */
  values: readonly number[];
}

export interface ValueInfo {
  name: string;
  dataType: DataTypeValue;
  /** Numbers are fixed dims, strings symbolic ones. */
  shape: readonly (number | string)[];
}

export type Attribute =
  | { name: string; int: number }
  | { name: string; float: number }
  | { name: string; ints: readonly number[] }
  | { name: string; tensor: TensorValue };

export interface NodeSpec {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes?: readonly Attribute[];
}

export interface GraphSpec {
  inputs: readonly ValueInfo[];
  outputs: readonly ValueInfo[];
  nodes: readonly NodeSpec[];
  opset?: number;
}

/** TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9 (little-endian elements). */
function writeTensor(w: Writer, tensor: TensorValue, name?: string): void {
  for (const d of tensor.dims) w.int(1, d);
  w.int(2, tensor.dataType);
  if (name) w.string(8, name);
  const raw =
    tensor.dataType === DataType.FLOAT
      ? new Uint8Array(Float32Array.from(tensor.values).buffer)
      : tensor.dataType === DataType.INT64
        ? new Uint8Array(BigInt64Array.from(tensor.values, (v) => BigInt(v)).buffer)
        : Uint8Array.from(tensor.values);
  w.bytes(9, raw);
}

/** ValueInfoProto: name = 1, type = 2 -> TypeProto.tensor_type = 1 -> elem_type = 1, shape = 2 -> dim = 1 -> dim_value = 1 | dim_param = 2. */
function writeValueInfo(w: Writer, info: ValueInfo): void {
  w.string(1, info.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, info.dataType);
      tensor.message(2, (shape) => {
        for (const d of info.shape) {
          shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
        }
      });
    }),
  );
}

/**
 * AttributeProto: name = 1, f = 2, i = 3, t = 5, ints = 8, type = 20 (FLOAT 1, INT 2, TENSOR 4, INTS 7).
 */
function writeAttribute(w: Writer, attribute: Attribute): void {
  w.string(1, attribute.name);
  if ('int' in attribute) w.int(3, attribute.int).int(20, 2);
  else if ('float' in attribute) w.float(2, attribute.float).int(20, 1);
  else if ('ints' in attribute) {
    for (const v of attribute.ints) w.int(8, v);
    w.int(20, 7);
  } else w.message(5, (t) => writeTensor(t, attribute.tensor)).int(20, 4);
}

/**
 * ModelProto: ir_version = 1, producer_name = 2, graph = 7, opset_import = 8 (domain = 1, version = 2).
 * GraphProto: node = 1, name = 2, input = 11, output = 12. NodeProto: input = 1, output = 2, name = 3,
 * op_type = 4, attribute = 5.
 */
export function buildModel(graph: GraphSpec): Uint8Array {
  const w = new Writer();
  w.int(1, 8); // IR version 8 (ONNX 1.10+), enough for opset 13
  w.string(2, 'shiriki-test');
  w.message(7, (g) => {
    graph.nodes.forEach((node, i) => {
      g.message(1, (n) => {
        for (const input of node.inputs) n.string(1, input);
        for (const output of node.outputs) n.string(2, output);
        n.string(3, `node${i}`);
        n.string(4, node.opType);
        for (const attribute of node.attributes ?? []) n.message(5, (a) => writeAttribute(a, attribute));
      });
    });
    g.string(2, 'test-graph');
    for (const input of graph.inputs) g.message(11, (v) => writeValueInfo(v, input));
    for (const output of graph.outputs) g.message(12, (v) => writeValueInfo(v, output));
  });
  w.message(8, (o) => o.string(1, '').int(2, graph.opset ?? 13));
  return w.finish();
}

export interface ConstantOutput {
  name: string;
  dims: readonly number[];
  values: readonly number[];
  /** Declared shape; defaults to `dims`. Strings make dims symbolic. */
  declaredShape?: readonly (number | string)[];
}

/**
 * A model with one image input whose outputs are constants. The input is consumed (ReduceMax times 0, added to
 * every output) so onnxruntime keeps it; uint8 inputs are cast to float first.
 */
export function constantOutputModel(options: {
  inputName?: string;
  inputShape: readonly (number | string)[];
  inputType?: 'float32' | 'uint8';
  outputs: readonly ConstantOutput[];
}): Uint8Array {
  const inputName = options.inputName ?? 'images';
  const uint8 = options.inputType === 'uint8';
  const nodes: NodeSpec[] = [];
  let source = inputName;
  if (uint8) {
    nodes.push({
      opType: 'Cast',
      inputs: [inputName],
      outputs: ['as_float'],
      attributes: [{ name: 'to', int: DataType.FLOAT }],
    });
    source = 'as_float';
  }
  nodes.push(
    { opType: 'ReduceMax', inputs: [source], outputs: ['max'], attributes: [{ name: 'keepdims', int: 0 }] },
    {
      opType: 'Constant',
      inputs: [],
      outputs: ['zero'],
      attributes: [{ name: 'value', tensor: { dims: [], dataType: DataType.FLOAT, values: [0] } }],
    },
    { opType: 'Mul', inputs: ['max', 'zero'], outputs: ['nothing'] },
  );
  for (const output of options.outputs) {
    const constant = `${output.name}_value`;
    nodes.push(
      {
        opType: 'Constant',
        inputs: [],
        outputs: [constant],
        attributes: [
          { name: 'value', tensor: { dims: output.dims, dataType: DataType.FLOAT, values: output.values } },
        ],
      },
      { opType: 'Add', inputs: [constant, 'nothing'], outputs: [output.name] },
    );
  }
  return buildModel({
    inputs: [
      { name: inputName, dataType: uint8 ? DataType.UINT8 : DataType.FLOAT, shape: options.inputShape },
    ],
    outputs: options.outputs.map((o) => ({
      name: o.name,
      dataType: DataType.FLOAT,
      shape: o.declaredShape ?? o.dims,
    })),
    nodes,
  });
}

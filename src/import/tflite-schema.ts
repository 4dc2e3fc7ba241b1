/**
 * Facts from the public TensorFlow Lite schema (tensorflow/lite/schema/schema.fbs, schema
 * version 3): table field ids, union type ids and enum names. Only the import modules (and test
 * writers) use them.
 *
 * A flatbuffer table field with id `i` lives in vtable slot `4 + 2 * i`. A union field `u` takes
 * two ids: `u_type` (a ubyte) and then `u` itself (an offset to the member table).
 */

/** Field ids of the tables we read. */
export const FIELD = {
  Model: { version: 0, operatorCodes: 1, subgraphs: 2, description: 3, buffers: 4 },
  SubGraph: { tensors: 0, inputs: 1, outputs: 2, operators: 3, name: 4 },
  Buffer: { data: 0, offset: 1, size: 2 },
  OperatorCode: { deprecatedBuiltinCode: 0, customCode: 1, version: 2, builtinCode: 3 },
  Operator: { opcodeIndex: 0, inputs: 1, outputs: 2, builtinOptionsType: 3, builtinOptions: 4 },
  Tensor: { shape: 0, type: 1, buffer: 2, name: 3, quantization: 4, isVariable: 5, sparsity: 6 },
  QuantizationParameters: { min: 0, max: 1, scale: 2, zeroPoint: 3, detailsType: 4, details: 5, quantizedDimension: 6 },
  Conv2DOptions: { padding: 0, strideW: 1, strideH: 2, fusedActivation: 3, dilationW: 4, dilationH: 5, quantizedBiasType: 6 },
  DepthwiseConv2DOptions: { padding: 0, strideW: 1, strideH: 2, depthMultiplier: 3, fusedActivation: 4, dilationW: 5, dilationH: 6 },
  Pool2DOptions: { padding: 0, strideW: 1, strideH: 2, filterWidth: 3, filterHeight: 4, fusedActivation: 5 },
  FullyConnectedOptions: { fusedActivation: 0, weightsFormat: 1, keepNumDims: 2, asymmetricQuantizeInputs: 3, quantizedBiasType: 4 },
  SoftmaxOptions: { beta: 0 },
  ConcatenationOptions: { axis: 0, fusedActivation: 1 },
  AddOptions: { fusedActivation: 0, potScaleInt16: 1 },
  SubOptions: { fusedActivation: 0, potScaleInt16: 1 },
  MulOptions: { fusedActivation: 0 },
  ReducerOptions: { keepDims: 0 },
  ReshapeOptions: { newShape: 0 },
  SqueezeOptions: { squeezeDims: 0 },
  LeakyReluOptions: { alpha: 0 },
  PackOptions: { valuesCount: 0, axis: 1 },
  UnpackOptions: { num: 0, axis: 1 },
  StridedSliceOptions: { beginMask: 0, endMask: 1, ellipsisMask: 2, newAxisMask: 3, shrinkAxisMask: 4, offset: 5 },
  ResizeBilinearOptions: { alignCorners: 2, halfPixelCenters: 3 },
  ResizeNearestNeighborOptions: { alignCorners: 0, halfPixelCenters: 1 },
  ArgMaxOptions: { outputType: 0 },
  ArgMinOptions: { outputType: 0 },
} as const;

/** enum TensorType : byte — names in our lower-case dtype spelling, index = enum value. */
export const TENSOR_TYPES = [
  'float32', 'float16', 'int32', 'uint8', 'int64', 'string', 'bool', 'int16', 'complex64', 'int8',
  'float64', 'complex128', 'uint64', 'resource', 'variant', 'uint32', 'uint16', 'int4',
] as const;
export type TfliteDType = (typeof TENSOR_TYPES)[number];

/**
 * Bytes per element of a dense constant buffer; 0 = variable-size (string, resource, variant),
 * 0.5 = two int4 values packed per byte.
 */
export const TENSOR_TYPE_BYTES: Readonly<Record<TfliteDType, number>> = {
  float32: 4, float16: 2, int32: 4, uint8: 1, int64: 8, string: 0, bool: 1, int16: 2, complex64: 8,
  int8: 1, float64: 8, complex128: 16, uint64: 8, resource: 0, variant: 0, uint32: 4, uint16: 2,
  int4: 0.5,
};

/** enum BuiltinOperator : int32, codes 0..161 (index = code). */
const BUILTIN_0_161 = (
  'ADD AVERAGE_POOL_2D CONCATENATION CONV_2D DEPTHWISE_CONV_2D DEPTH_TO_SPACE DEQUANTIZE ' +
  'EMBEDDING_LOOKUP FLOOR FULLY_CONNECTED HASHTABLE_LOOKUP L2_NORMALIZATION L2_POOL_2D ' +
  'LOCAL_RESPONSE_NORMALIZATION LOGISTIC LSH_PROJECTION LSTM MAX_POOL_2D MUL RELU RELU_N1_TO_1 ' +
  'RELU6 RESHAPE RESIZE_BILINEAR RNN SOFTMAX SPACE_TO_DEPTH SVDF TANH CONCAT_EMBEDDINGS SKIP_GRAM ' +
  'CALL CUSTOM EMBEDDING_LOOKUP_SPARSE PAD UNIDIRECTIONAL_SEQUENCE_RNN GATHER BATCH_TO_SPACE_ND ' +
  'SPACE_TO_BATCH_ND TRANSPOSE MEAN SUB DIV SQUEEZE UNIDIRECTIONAL_SEQUENCE_LSTM STRIDED_SLICE ' +
  'BIDIRECTIONAL_SEQUENCE_RNN EXP TOPK_V2 SPLIT LOG_SOFTMAX DELEGATE BIDIRECTIONAL_SEQUENCE_LSTM ' +
  'CAST PRELU MAXIMUM ARG_MAX MINIMUM LESS NEG PADV2 GREATER GREATER_EQUAL LESS_EQUAL SELECT SLICE ' +
  'SIN TRANSPOSE_CONV SPARSE_TO_DENSE TILE EXPAND_DIMS EQUAL NOT_EQUAL LOG SUM SQRT RSQRT SHAPE POW ' +
  'ARG_MIN FAKE_QUANT REDUCE_PROD REDUCE_MAX PACK LOGICAL_OR ONE_HOT LOGICAL_AND LOGICAL_NOT UNPACK ' +
  'REDUCE_MIN FLOOR_DIV REDUCE_ANY SQUARE ZEROS_LIKE FILL FLOOR_MOD RANGE RESIZE_NEAREST_NEIGHBOR ' +
  'LEAKY_RELU SQUARED_DIFFERENCE MIRROR_PAD ABS SPLIT_V UNIQUE CEIL REVERSE_V2 ADD_N GATHER_ND COS ' +
  'WHERE RANK ELU REVERSE_SEQUENCE MATRIX_DIAG QUANTIZE MATRIX_SET_DIAG ROUND HARD_SWISH IF WHILE ' +
  'NON_MAX_SUPPRESSION_V4 NON_MAX_SUPPRESSION_V5 SCATTER_ND SELECT_V2 DENSIFY SEGMENT_SUM ' +
  'BATCH_MATMUL PLACEHOLDER_FOR_GREATER_OP_CODES CUMSUM CALL_ONCE BROADCAST_TO RFFT2D CONV_3D IMAG ' +
  'REAL COMPLEX_ABS HASHTABLE HASHTABLE_FIND HASHTABLE_IMPORT HASHTABLE_SIZE REDUCE_ALL ' +
  'CONV_3D_TRANSPOSE VAR_HANDLE READ_VARIABLE ASSIGN_VARIABLE BROADCAST_ARGS RANDOM_STANDARD_NORMAL ' +
  'BUCKETIZE RANDOM_UNIFORM MULTINOMIAL GELU DYNAMIC_UPDATE_SLICE RELU_0_TO_1 UNSORTED_SEGMENT_PROD ' +
  'UNSORTED_SEGMENT_MAX UNSORTED_SEGMENT_SUM ATAN2 UNSORTED_SEGMENT_MIN SIGN BITCAST BITWISE_XOR ' +
  'RIGHT_SHIFT'
).split(' ');

/** Codes 162..204: the StableHLO family and DILATE. */
const BUILTIN_162_204 = (
  'LOGISTIC ADD DIVIDE MULTIPLY MAXIMUM RESHAPE CLAMP CONCATENATE BROADCAST_IN_DIM CONVOLUTION ' +
  'SLICE CUSTOM_CALL REDUCE ABS AND COSINE EXPONENTIAL FLOOR LOG MINIMUM NEGATE OR POWER REMAINDER ' +
  'RSQRT SELECT SUBTRACT TANH SCATTER COMPARE CONVERT DYNAMIC_SLICE DYNAMIC_UPDATE_SLICE PAD IOTA ' +
  'DOT_GENERAL REDUCE_WINDOW SORT WHILE GATHER TRANSPOSE'
).split(' ').map((n) => `STABLEHLO_${n}`).concat(['DILATE', 'STABLEHLO_RNG_BIT_GENERATOR']);

/** BuiltinOperator name by code, index = code (0..204). */
export const BUILTIN_OPERATORS: readonly string[] = [...BUILTIN_0_161, ...BUILTIN_162_204, 'REDUCE_WINDOW'];

const BUILTIN_EXTRA: ReadonlyMap<number, string> = new Map([[225, 'TEMP_STREAMING_CONV_2D']]);

/** The BuiltinOperator name for a code; `UNKNOWN(<n>)` for a code this schema does not define. */
export function builtinOperatorName(code: number): string {
  return BUILTIN_OPERATORS[code] ?? BUILTIN_EXTRA.get(code) ?? `UNKNOWN(${code})`;
}

/** union BuiltinOptions member names, index = union type id (0 = NONE). */
export const BUILTIN_OPTIONS: readonly string[] = (
  'NONE Conv2DOptions DepthwiseConv2DOptions ConcatEmbeddingsOptions LSHProjectionOptions ' +
  'Pool2DOptions SVDFOptions RNNOptions FullyConnectedOptions SoftmaxOptions ConcatenationOptions ' +
  'AddOptions L2NormOptions LocalResponseNormalizationOptions LSTMOptions ResizeBilinearOptions ' +
  'CallOptions ReshapeOptions SkipGramOptions SpaceToDepthOptions EmbeddingLookupSparseOptions ' +
  'MulOptions PadOptions GatherOptions BatchToSpaceNDOptions SpaceToBatchNDOptions TransposeOptions ' +
  'ReducerOptions SubOptions DivOptions SqueezeOptions SequenceRNNOptions StridedSliceOptions ' +
  'ExpOptions TopKV2Options SplitOptions LogSoftmaxOptions CastOptions DequantizeOptions ' +
  'MaximumMinimumOptions ArgMaxOptions LessOptions NegOptions PadV2Options GreaterOptions ' +
  'GreaterEqualOptions LessEqualOptions SelectOptions SliceOptions TransposeConvOptions ' +
  'SparseToDenseOptions TileOptions ExpandDimsOptions EqualOptions NotEqualOptions ShapeOptions ' +
  'PowOptions ArgMinOptions FakeQuantOptions PackOptions LogicalOrOptions OneHotOptions ' +
  'LogicalAndOptions LogicalNotOptions UnpackOptions FloorDivOptions SquareOptions ZerosLikeOptions ' +
  'FillOptions BidirectionalSequenceLSTMOptions BidirectionalSequenceRNNOptions ' +
  'UnidirectionalSequenceLSTMOptions FloorModOptions RangeOptions ResizeNearestNeighborOptions ' +
  'LeakyReluOptions SquaredDifferenceOptions MirrorPadOptions AbsOptions SplitVOptions UniqueOptions ' +
  'ReverseV2Options AddNOptions GatherNdOptions CosOptions WhereOptions RankOptions ' +
  'ReverseSequenceOptions MatrixDiagOptions QuantizeOptions MatrixSetDiagOptions HardSwishOptions ' +
  'IfOptions WhileOptions DepthToSpaceOptions NonMaxSuppressionV4Options NonMaxSuppressionV5Options ' +
  'ScatterNdOptions SelectV2Options DensifyOptions SegmentSumOptions BatchMatMulOptions ' +
  'CumsumOptions CallOnceOptions BroadcastToOptions Rfft2dOptions Conv3DOptions HashtableOptions ' +
  'HashtableFindOptions HashtableImportOptions HashtableSizeOptions VarHandleOptions ' +
  'ReadVariableOptions AssignVariableOptions RandomOptions BucketizeOptions GeluOptions ' +
  'DynamicUpdateSliceOptions UnsortedSegmentProdOptions UnsortedSegmentMaxOptions ' +
  'UnsortedSegmentMinOptions UnsortedSegmentSumOptions ATan2Options SignOptions BitcastOptions ' +
  'BitwiseXorOptions RightShiftOptions'
).split(' ');

/** union BuiltinOptions type ids of the option tables we decode. */
export const OPTIONS_TYPE = {
  Conv2DOptions: 1,
  DepthwiseConv2DOptions: 2,
  Pool2DOptions: 5,
  FullyConnectedOptions: 8,
  SoftmaxOptions: 9,
  ConcatenationOptions: 10,
  AddOptions: 11,
  ReshapeOptions: 17,
  MulOptions: 21,
  PadOptions: 22,
  ReducerOptions: 27,
  SubOptions: 28,
  SqueezeOptions: 30,
  DequantizeOptions: 38,
  PadV2Options: 43,
  QuantizeOptions: 89,
  LeakyReluOptions: 75,
  PackOptions: 59,
  UnpackOptions: 64,
  StridedSliceOptions: 32,
  ResizeBilinearOptions: 15,
  ResizeNearestNeighborOptions: 74,
  ArgMaxOptions: 40,
  ArgMinOptions: 57,
} as const;

/** enum Padding : byte */
export const PADDING = ['SAME', 'VALID'] as const;
/** enum ActivationFunctionType : byte */
export const ACTIVATION = ['NONE', 'RELU', 'RELU_N1_TO_1', 'RELU6', 'TANH', 'SIGN_BIT'] as const;
/** enum FullyConnectedOptionsWeightsFormat : byte */
export const FC_WEIGHTS_FORMAT = ['DEFAULT', 'SHUFFLED4x16INT8'] as const;

/** The schema version this reader understands (Model.version). */
export const SCHEMA_VERSION = 3;
/** The file identifier at bytes 4..7. */
export const FILE_IDENTIFIER = 'TFL3';

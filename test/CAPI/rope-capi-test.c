/*===- rope-capi-test.c - the rope C API, used from C ---------------------===*\
|*                                                                            *|
|* Registers the rope dialect and the pipeline dependencies, builds and       *|
|* parses frequency attributes, parses a module, runs rope-cpu-pipeline       *|
|* through mlirPassManager, JIT-compiles the result with MLIR's execution     *|
|* engine and checks it on real buffers against a double-precision           *|
|* reference. Output checked by test/CAPI/capi.test.                          *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#include "rope-c/Dialect/Rope.h"
#include "rope-c/Pipelines.h"

#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/Diagnostics.h"
#include "mlir-c/ExecutionEngine.h"
#include "mlir-c/IR.h"
#include "mlir-c/Pass.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { T = 5, H = 3, D = 8 };

static void printToStdout(MlirStringRef s, void *userData) {
  (void)userData;
  fwrite(s.data, 1, s.length, stdout);
}

static MlirLogicalResult printDiagnostic(MlirDiagnostic d, void *userData) {
  (void)userData;
  printf("diagnostic: ");
  mlirDiagnosticPrint(d, printToStdout, NULL);
  printf("\n");
  return mlirLogicalResultSuccess();
}

static const char *kModule =
    "func.func @rope(%x: tensor<5x3x8xf32>, %p: tensor<5xi64>)"
    "    -> tensor<5x3x8xf32> {\n"
    "  %e = tensor.empty() : tensor<5x3x8xf32>\n"
    "  %y = rope.rotate half thd ins(%x : tensor<5x3x8xf32>)\n"
    "      outs(%e : tensor<5x3x8xf32>) positions(%p : tensor<5xi64>)\n"
    "      freqs(#rope.default<base = 10000.0>)\n"
    "  return %y : tensor<5x3x8xf32>\n"
    "}\n";

/* The memref descriptors of _mlir_ciface_rope's arguments. */
typedef struct {
  float *allocated, *aligned;
  int64_t offset, sizes[3], strides[3];
} MemRef3F32;
typedef struct {
  int64_t *allocated, *aligned;
  int64_t offset, sizes[1], strides[1];
} MemRef1I64;

static int attributes(MlirContext ctx) {
  MlirAttribute llama = mlirRopeLlama3FreqsAttrGet(ctx, 500000.0, 8.0, 1.0,
                                                   4.0, 8192, NAN);
  printf("built: ");
  mlirAttributePrint(llama, printToStdout, NULL);
  printf("\n");
  MlirAttribute parsed = mlirRopeFrequenciesAttrParse(
      ctx, mlirStringRefCreateFromCString(
               "#rope.llama3<base = 500000.0, factor = 8.0, low_freq_factor "
               "= 1.0, high_freq_factor = 4.0, original_max_position = "
               "8192>"));
  printf("parsed equals built: %d, is frequencies: %d\n",
         mlirAttributeEqual(llama, parsed),
         mlirAttributeIsARopeFrequencies(parsed));
  MlirAttribute bad = mlirRopeDefaultFreqsAttrGet(ctx, -2.0, NAN);
  printf("base -2 is null: %d\n", mlirAttributeIsNull(bad));
  MlirAttribute notFreqs = mlirRopeFrequenciesAttrParse(
      ctx, mlirStringRefCreateFromCString("1.0 : f32"));
  printf("1.0 : f32 is null: %d\n", mlirAttributeIsNull(notFreqs));
  return mlirAttributeIsNull(llama) || !mlirAttributeEqual(llama, parsed);
}

static int run(MlirContext ctx) {
  MlirModule module =
      mlirModuleCreateParse(ctx, mlirStringRefCreateFromCString(kModule));
  if (mlirModuleIsNull(module))
    return 1;
  MlirPassManager pm = mlirPassManagerCreate(ctx);
  MlirOpPassManager opm = mlirPassManagerGetAsOpPassManager(pm);
  if (mlirLogicalResultIsFailure(mlirRopeBuildCPUPipeline(
          opm, mlirStringRefCreateFromCString("bogus=1"), printToStdout,
          NULL)))
    printf("\nbad options rejected\n");
  // Values textual parsing accepts but the pipelines cannot use, and a pass
  // manager nested below the module: failures through the callback, never
  // an abort of the process.
  const char *badCPU[] = {"cpu=not-a-cpu", "token-tile=100000",
                          "vector-width=3", "cpu=znver4 cpu-features=avx2"};
  for (unsigned i = 0; i < sizeof(badCPU) / sizeof(*badCPU); ++i) {
    printf("cpu options '%s': ", badCPU[i]);
    if (mlirLogicalResultIsSuccess(mlirRopeBuildCPUPipeline(
            opm, mlirStringRefCreateFromCString(badCPU[i]), printToStdout,
            NULL)))
      return 1;
    printf("\n");
  }
  const char *badGPU[] = {"block-size=0", "block-size=-1", "block-size=100000",
                          "format=bogus", "chip=sm90"};
  for (unsigned i = 0; i < sizeof(badGPU) / sizeof(*badGPU); ++i) {
    printf("gpu options '%s': ", badGPU[i]);
    if (mlirLogicalResultIsSuccess(mlirRopeBuildGPUPipeline(
            opm, mlirStringRefCreateFromCString(badGPU[i]), printToStdout,
            NULL)))
      return 1;
    printf("\n");
  }
  MlirOpPassManager nested = mlirOpPassManagerGetNestedUnder(
      opm, mlirStringRefCreateFromCString("func.func"));
  printf("nested on func.func: ");
  if (mlirLogicalResultIsSuccess(mlirRopeBuildCPUPipeline(
          nested, mlirStringRefCreateFromCString(""), printToStdout, NULL)) ||
      mlirLogicalResultIsSuccess(mlirRopeBuildGPUPipeline(
          nested, mlirStringRefCreateFromCString(""), NULL, NULL)))
    return 1;
  printf("\n");
  if (mlirLogicalResultIsFailure(mlirRopeBuildCPUPipeline(
          opm, mlirStringRefCreateFromCString("parallel=false"),
          printToStdout, NULL)))
    return 1;
  if (mlirLogicalResultIsFailure(
          mlirPassManagerRunOnOp(pm, mlirModuleGetOperation(module))))
    return 1;
  printf("lowered: %s\n",
         mlirOperationVerify(mlirModuleGetOperation(module)) ? "valid" : "invalid");

  MlirExecutionEngine jit = mlirExecutionEngineCreate(module, 2, 0, NULL, false, false);
  if (mlirExecutionEngineIsNull(jit))
    return 1;
  void (*fn)(MemRef3F32 *, MemRef3F32 *, MemRef1I64 *) =
      (void (*)(MemRef3F32 *, MemRef3F32 *, MemRef1I64 *))
          mlirExecutionEngineLookup(
              jit, mlirStringRefCreateFromCString("_mlir_ciface_rope"));
  if (!fn)
    return 1;

  static float x[T * H * D];
  static int64_t pos[T] = {0, 1, 7, 1000, 123456};
  for (int i = 0; i < T * H * D; ++i)
    x[i] = (float)sin(0.37 * i + 0.1);
  MemRef3F32 in = {x, x, 0, {T, H, D}, {H * D, D, 1}};
  MemRef1I64 p = {pos, pos, 0, {T}, {1}};
  MemRef3F32 out;
  memset(&out, 0, sizeof(out));
  fn(&out, &in, &p);

  double maxErr = 0;
  for (int t = 0; t < T; ++t)
    for (int h = 0; h < H; ++h)
      for (int i = 0; i < D / 2; ++i) {
        double f = pow(10000.0, -2.0 * i / D), a = (double)pos[t] * f;
        const float *row = x + (t * H + h) * D;
        double x1 = row[i], x2 = row[i + D / 2];
        double y1 = x1 * cos(a) - x2 * sin(a), y2 = x2 * cos(a) + x1 * sin(a);
        const float *got = out.aligned + out.offset + t * out.strides[0] +
                           h * out.strides[1];
        maxErr = fmax(maxErr, fabs(got[i] - y1));
        maxErr = fmax(maxErr, fabs(got[i + D / 2] - y2));
      }
  /* The caller owns the result (malloc'd by the kernel). */
  free(out.allocated);
  printf("max abs error against double: %s (%.3g)\n",
         maxErr < 1e-6 ? "ok" : "too large", maxErr);
  mlirExecutionEngineDestroy(jit);
  mlirPassManagerDestroy(pm);
  mlirModuleDestroy(module);
  return maxErr < 1e-6 ? 0 : 1;
}

/* A head split of q and k through upstream sharding-propagation and
 * shard-partition, the rope ops' sharding models registered through the C
 * API: each of 2 processes rotates half the heads. */
static const char *kSharded =
    "shard.grid @grid(shape = 2)\n"
    "func.func @heads(%q: tensor<16x4x16xf32>, %k: tensor<16x2x16xf32>,\n"
    "                 %p: tensor<16xi64>)\n"
    "    -> (tensor<16x4x16xf32>, tensor<16x2x16xf32>) {\n"
    "  %s = shard.sharding @grid split_axes = [[], [0]] : !shard.sharding\n"
    "  %qs = shard.shard %q to %s : tensor<16x4x16xf32>\n"
    "  %ks = shard.shard %k to %s : tensor<16x2x16xf32>\n"
    "  %eq = tensor.empty() : tensor<16x4x16xf32>\n"
    "  %ek = tensor.empty() : tensor<16x2x16xf32>\n"
    "  %q1, %k1 = rope.rotate half thd ins(%qs, %ks : tensor<16x4x16xf32>,\n"
    "      tensor<16x2x16xf32>) outs(%eq, %ek : tensor<16x4x16xf32>,\n"
    "      tensor<16x2x16xf32>) positions(%p : tensor<16xi64>)\n"
    "      freqs(#rope.default<base = 10000.0>)\n"
    "  %q2 = shard.shard %q1 to %s : tensor<16x4x16xf32>\n"
    "  %k2 = shard.shard %k1 to %s : tensor<16x2x16xf32>\n"
    "  return %q2, %k2 : tensor<16x4x16xf32>, tensor<16x2x16xf32>\n"
    "}\n";

static int partition(void) {
  MlirDialectRegistry registry = mlirDialectRegistryCreate();
  mlirRopeRegisterPipelineDependencies(registry);
  mlirRopeRegisterShardingInterfaceExternalModels(registry);
  MlirContext ctx = mlirContextCreateWithRegistry(registry, false);
  mlirDialectRegistryDestroy(registry);
  mlirContextAttachDiagnosticHandler(ctx, printDiagnostic, NULL, NULL);
  mlirDialectHandleLoadDialect(mlirGetDialectHandle__rope__(), ctx);
  MlirModule module =
      mlirModuleCreateParse(ctx, mlirStringRefCreateFromCString(kSharded));
  int failed = mlirModuleIsNull(module);
  if (!failed) {
    MlirPassManager pm = mlirPassManagerCreate(ctx);
    failed = mlirLogicalResultIsFailure(mlirParsePassPipeline(
                 mlirPassManagerGetAsOpPassManager(pm),
                 mlirStringRefCreateFromCString(
                     "builtin.module(func.func(sharding-propagation,"
                     "shard-partition))"),
                 printToStdout, NULL)) ||
             mlirLogicalResultIsFailure(
                 mlirPassManagerRunOnOp(pm, mlirModuleGetOperation(module)));
    if (!failed) {
      printf("partitioned: ");
      mlirOperationPrint(mlirModuleGetOperation(module), printToStdout, NULL);
      printf("\n");
    }
    mlirPassManagerDestroy(pm);
    mlirModuleDestroy(module);
  }
  mlirContextDestroy(ctx);
  return failed;
}

int main(void) {
  MlirDialectRegistry registry = mlirDialectRegistryCreate();
  mlirRopeRegisterPipelineDependencies(registry);
  MlirContext ctx = mlirContextCreateWithRegistry(registry, false);
  mlirDialectRegistryDestroy(registry);
  mlirContextAttachDiagnosticHandler(ctx, printDiagnostic, NULL, NULL);
  MlirDialectHandle rope = mlirGetDialectHandle__rope__();
  MlirDialect dialect = mlirDialectHandleLoadDialect(rope, ctx);
  MlirStringRef ns = mlirDialectGetNamespace(dialect);
  printf("dialect: %.*s\n", (int)ns.length, ns.data);
  mlirRopeRegisterPasses();
  int failed = attributes(ctx) || run(ctx) || partition();
  mlirContextDestroy(ctx);
  printf("%s\n", failed ? "FAILED" : "PASSED");
  return failed;
}

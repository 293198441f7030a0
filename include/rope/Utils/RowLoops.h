//===- RowLoops.h - Loops that write rows of tensors -------------*- C++ -*-===//

#ifndef ROPE_UTILS_ROWLOOPS_H
#define ROPE_UTILS_ROWLOOPS_H

namespace mlir::scf {
class ForallOp;
} // namespace mlir::scf

namespace mlir::rope {
/// Whether `loop` is a loop over rows: an unmapped scf.forall whose
/// terminator holds only tensor.parallel_insert_slice ops (a paged cache's
/// write, a slot per token through a block table). rope-fuse-row-foralls
/// merges such a loop into the rope ops' token loop; the GPU pipeline's
/// host-op check lets it through for that.
bool isRowLoop(scf::ForallOp loop);
} // namespace mlir::rope

#endif // ROPE_UTILS_ROWLOOPS_H

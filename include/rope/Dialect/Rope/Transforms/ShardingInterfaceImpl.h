//===- ShardingInterfaceImpl.h - The rope ops in the shard dialect -*- C++ -*-===//
//
// External models of shard::ShardingInterface for the rope ops, so that
// upstream `sharding-propagation` and `shard-partition` partition programs
// that contain them (docs/scale-out.md).
//
//===----------------------------------------------------------------------===//

#ifndef ROPE_DIALECT_ROPE_TRANSFORMS_SHARDINGINTERFACEIMPL_H
#define ROPE_DIALECT_ROPE_TRANSFORMS_SHARDINGINTERFACEIMPL_H

namespace mlir {
class DialectRegistry;
namespace rope {
/// Attaches ShardingInterface to every rope op: token, batch and head
/// dimensions split without communication; head_dim, the table width and
/// the position axes of multimodal RoPE never split; caches and frequency
/// tensors are replicated. With implicit positions (`offset`), a token split
/// moves each process's offset by its first global token index.
void registerShardingInterfaceExternalModels(DialectRegistry &registry);
} // namespace rope
} // namespace mlir

#endif // ROPE_DIALECT_ROPE_TRANSFORMS_SHARDINGINTERFACEIMPL_H

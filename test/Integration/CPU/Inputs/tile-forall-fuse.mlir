// Tiles rope.apply with an scf.forall over 2 tokens and 3 heads (a head tile
// beyond the keys' head count takes none of them) and fuses the table
// producer into it.
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %apply = transform.structured.match ops{["rope.apply"]} in %root
        : (!transform.any_op) -> !transform.any_op
    %tiled, %loop = transform.structured.tile_using_forall %apply tile_sizes [2, 3]
        : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    %tables = transform.structured.match ops{["rope.cos_sin", "rope.gather"]} in %root
        : (!transform.any_op) -> !transform.any_op
    %fused, %new = transform.structured.fuse_into_containing_op %tables into %loop
        : (!transform.any_op, !transform.any_op) -> (!transform.any_op, !transform.any_op)
    transform.yield
  }
}

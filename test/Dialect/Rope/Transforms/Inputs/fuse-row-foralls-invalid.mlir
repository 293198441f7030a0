// Input of fuse-row-foralls.mlir (required): row loops that cannot join
// the token loop are errors naming them.

// It reads the next token's row.
func.func @other_row(%k: tensor<9x2x16xf32>, %out: tensor<8x2x16xf32>) -> tensor<8x2x16xf32> {
  %e = tensor.empty() : tensor<9x2x16xf32>
  %r = scf.forall (%t) in (9) shared_outs(%o = %e) -> (tensor<9x2x16xf32>) {
    %x = tensor.extract_slice %k[%t, 0, 0] [1, 2, 16] [1, 1, 1] : tensor<9x2x16xf32> to tensor<1x2x16xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %x into %o[%t, 0, 0] [1, 2, 16] [1, 1, 1] : tensor<1x2x16xf32> into tensor<9x2x16xf32>
    }
  } {rope.lowering = #rope.lowering<store_alignment = 16>}
  // expected-error@+1 {{'scf.forall' op is a loop over rows that could not join the token loop of the rope ops}}
  %w = scf.forall (%i) in (8) shared_outs(%c = %out) -> (tensor<8x2x16xf32>) {
    %j = affine.apply affine_map<(i) -> (i + 1)>(%i)
    %row = tensor.extract_slice %r[%j, 0, 0] [1, 2, 16] [1, 1, 1] : tensor<9x2x16xf32> to tensor<1x2x16xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %row into %c[%i, 0, 0] [1, 2, 16] [1, 1, 1] : tensor<1x2x16xf32> into tensor<8x2x16xf32>
    }
  }
  return %w : tensor<8x2x16xf32>
}

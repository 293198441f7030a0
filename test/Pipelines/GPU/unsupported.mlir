// RUN: rope-opt %s -convert-rope-to-gpu -split-input-file -verify-diagnostics

func.func @dynamic_ntk(%x: tensor<?x8x64xf32>, %e: tensor<?x8x64xf32>, %p: tensor<?xi64>) -> tensor<?x8x64xf32> {
  // expected-error @+1 {{frequencies that depend on run-time data (dynamic NTK, LongRoPE without 'factors') are not supported by convert-rope-to-gpu yet}}
  %y = rope.rotate half thd ins(%x : tensor<?x8x64xf32>) outs(%e : tensor<?x8x64xf32>) positions(%p : tensor<?xi64>) freqs(#rope.dynamic_ntk<base = 10000.0, factor = 2.0, original_max_position = 4096>)
  return %y : tensor<?x8x64xf32>
}

func.func @f(%x: tensor<4x8xf32>) {
  %y = rope.rotate half thd ins(%x

func.func @f() attributes {r = #rope.yarn<base = 1.0>} {
  return
}

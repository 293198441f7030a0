func.func @f() attributes {r = #rope.nonsense<>} {
  return
}

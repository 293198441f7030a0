func.func @f() {
  %0 = "rope.unknown"() : () -> i32
  return
}

/// A value sent from one isolation domain to another (a `sending` parameter): the sender gave it
/// up, so the receiver may use it on its own thread although the type is not `Sendable`.
package struct Transferred<Value>: @unchecked Sendable {
  /// The value, to be used on the receiving side only.
  package let value: Value

  /// Takes `value`, which its sender no longer reaches.
  package init(_ value: sending Value) {
    self.value = value
  }
}

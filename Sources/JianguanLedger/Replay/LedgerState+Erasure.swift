extension LedgerState {
  /// `parent.erased`: the parent is registered and not erased before.
  mutating func applyParentErased(_ body: ParentErased, seq: Int64, fault: (String) -> Void) {
    if !isParent(body.parent) {
      fault("erasure of unknown parent \(body.parent)")
      return
    }
    if let earlier = parentFlows.erasedParents[body.parent] {
      fault("parent \(body.parent) is erased twice (first at seq \(earlier))")
      return
    }
    parentFlows.erasedParents[body.parent] = seq
  }

  /// A student can no longer be added to an erased parent: there is no personal data to join.
  func checkNotErased(parent: String, fault: (String) -> Void) {
    if let erasedSeq = parentFlows.erasedParents[parent] {
      fault("student of parent \(parent), whose personal data was erased at seq \(erasedSeq)")
    }
  }
}

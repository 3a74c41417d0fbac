import JianguanCore

/// The right to erasure: a parent's personal data, and their children's, leave the store; the log
/// records `parent.erased` with the parent's id and the reason, and keeps the commitments, the
/// money and the chain. Written against the store interface, with no SQL: the store deletes what
/// it keeps of the persons (`erasePersonalData`), the replay checks the entry.
public enum ErasureOperation {
  /// What a store shows, and keeps as the masked ID number, in place of erased personal data.
  public static let erasedMark = "(erased)"

  /// Erases parent `parent`'s personal data and their children's, for `reason` (checked and
  /// confirmed where the request was read).
  public static func erase(_ parent: String, reason: String, in store: some LedgerTransaction) throws
    -> Appended
  {
    guard try store.parentErased(parent) != nil else {
      throw Rejection("parent_unknown", "parent \(Rejection.quote(parent)) is not registered")
    }
    if let seq = try store.erasureSeq(ofParent: parent) {
      throw Rejection(
        "parent_already_erased",
        "parent \(parent)'s personal data was already erased at seq \(seq); nothing to erase")
    }
    let seq = try store.append(.parentFlow(.parentErased(ParentErased(parent: parent, reason: reason))))
    try store.erasePersonalData(ofParent: parent)
    return Appended(id: parent, seq: seq)
  }
}

import JianguanCore

/// The registry's writes (an institution, its status, venues, teachers, courses, classes): the
/// entry is checked against the state by `RegistryEntryRules`, the rules the replay runs too,
/// and appended. The shape of each field was checked where the form was read.
public enum RegistryOperation {
  /// Checks `event` and appends it; the id is the record's (the institution's USCC for its
  /// registration and status changes).
  public static func record(_ event: Event, id: String, in transaction: some LedgerTransaction) throws
    -> Appended
  {
    try RegistryEntryRules.check(event, state: transaction)
    return Appended(id: id, seq: try transaction.append(event))
  }
}

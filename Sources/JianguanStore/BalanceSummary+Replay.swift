import JianguanCore
import JianguanLedger

extension BalanceSummary {
  /// The totals of `scope` from the replay's state rather than the `enrollments` table: what
  /// `balance` answers on a store that keeps no projection tables (PostgreSQL), with the SQLite
  /// store's refusals for an unknown institution, enrollment or region.
  public init(_ state: LedgerState, scope: BalanceScope, regions: RegionTable) throws {
    var included: (Int32) -> Bool = { _ in true }
    switch scope {
    case .all: break
    case .institution(let uscc):
      guard state.institutions[uscc] != nil else {
        throw Rejection("institution_unknown", "institution \(Rejection.quote(uscc)) is not registered")
      }
      included = { state.institution(of: state.enrollmentRecords[Int($0)]) == uscc }
    case .enrollment(let id):
      guard let slot = state.enrollmentSlot(id), state.enrollmentRecords[Int(slot)].exists else {
        throw Rejection.enrollmentUnknown(id)
      }
      included = { $0 == slot }
    case .region(let code):
      let prefix = Region.codePrefix(try regions.validateCurrent(code, field: "region").code)
      included = {
        state.institutions[state.institution(of: state.enrollmentRecords[Int($0)])]?.region.hasPrefix(prefix)
          == true
      }
    }
    self.init()
    for slot in state.enrollmentRecords.indices
    where state.enrollmentRecords[slot].exists && included(Int32(slot)) {
      try add(state.balance(Int32(slot)))
    }
  }

  /// Adds one enrollment's balance, every sum checked for overflow.
  private mutating func add(_ balance: EnrollmentBalance) throws {
    func sum(_ total: inout Int64, _ value: Int64) throws {
      let (result, overflow) = total.addingReportingOverflow(value)
      guard !overflow else {
        throw Rejection("balance_overflow", "the balance's totals exceed the range of a 64-bit count of fen")
      }
      total = result
    }
    try sum(&enrollments, 1)
    try sum(&paidFen, balance.amountFen)
    try sum(&releasedFen, balance.releasedFen)
    try sum(&refundedFen, balance.refundedFen)
    try sum(&escrowFen, balance.escrowFen)
    try sum(&hoursPaid, balance.hoursPaid)
    try sum(&hoursConsumed, balance.hoursConsumed)
    try sum(&hoursRefunded, balance.hoursRefunded)
    try sum(&hoursPending, balance.hoursPending)
    try sum(&hoursReserved, balance.hoursReserved)
    try sum(&hoursRemaining, balance.hoursRemaining)
  }
}

import JianguanCore
import JianguanLedger
import Testing

/// The replay's rules for credential entries: ids in order, a scope that fits the role and names
/// something registered, each token hash once, a revocation of an active credential.
@Suite struct CredentialReplayTests {
  static let hashA = String(repeating: "a", count: 64)
  static let hashB = String(repeating: "b", count: 64)

  func replay(_ events: [Event]) -> [String] {
    var state = LedgerState()
    var faults: [String] = []
    for (offset, event) in events.enumerated() {
      faults += state.apply(event, seq: Int64(offset + 2)).map(\.message)
    }
    return faults
  }

  func issued(
    _ id: String, _ role: String, institution: String? = nil, parent: String? = nil, bank: String? = nil,
    hash: String = hashA
  ) -> Event {
    .credential(
      .issued(
        CredentialIssued(
          id: id, role: role, institution: institution, parent: parent, bank: bank, tokenHash: hash)))
  }

  @Test func soundEntriesPass() {
    #expect(
      replay([
        issued("C1", "regulator"), issued("C2", "auditor", hash: Self.hashB),
        .credential(.revoked(CredentialRevoked(id: "C1", reason: "轮换"))),
      ]) == [])
  }

  @Test func eachBrokenRuleIsAFault() {
    let cases: [([Event], String)] = [
      ([issued("C2", "regulator")], "is issued where C1 is next"),
      ([issued("C1", "regulator"), issued("C2", "auditor")], "token hash of an earlier credential"),
      ([issued("C1", "regulator", hash: "ABC")], "not 64 lowercase hex digits"),
      ([issued("C1", "regulator", hash: String(repeating: "A", count: 64))], "not 64 lowercase hex digits"),
      ([issued("C1", "owner")], "unknown role owner"),
      ([issued("C1", "institution")], "scoped by []"),
      ([issued("C1", "regulator", bank: "中国银行")], "scoped by [bank]"),
      ([issued("C1", "institution", institution: "52340104MJ0000001X")], "unknown institution"),
      ([issued("C1", "parent", parent: "P1")], "unknown parent P1"),
      ([issued("C1", "bank", bank: "中国银行")], "holds no institution's escrow account"),
      (
        [.credential(.revoked(CredentialRevoked(id: "C1", reason: "x")))],
        "revocation of unknown credential C1"
      ),
      (
        [
          issued("C1", "auditor"), .credential(.revoked(CredentialRevoked(id: "C1", reason: "x"))),
          .credential(.revoked(CredentialRevoked(id: "C1", reason: "y"))),
        ], "revoked twice"
      ),
      (
        [issued("C1", "auditor"), .credential(.revoked(CredentialRevoked(id: "C1", reason: " ")))],
        "without a reason"
      ),
    ]
    for (events, expected) in cases {
      let faults = replay(events)
      #expect(faults.contains { $0.contains(expected) }, "\(expected): \(faults)")
    }
  }
}

import JianguanCore
import JianguanLedger
import Testing

/// The replay re-checks the registry's once-only rules and the bureau's jurisdiction, so a
/// ledger forged and re-hashed end to end cannot slip a duplicate past the audit.
@Suite struct ReplayRegistryTests {
  static func institution(_ uscc: String, licence: String, account: String, region: String = "340104")
    -> Event
  {
    .institutionRegistered(
      InstitutionRegistered(
        uscc: uscc, name: "机构", region: region, kind: "non-subject", category: "体育", nonprofit: false,
        licence: licence, licenceExpires: "2030-01-01", escrowBank: "银行", escrowAccount: account,
        mode: "escrow", checksumOverrideReason: nil))
  }

  func faults(_ events: [Event]) -> [String] {
    var state = LedgerState()
    var messages: [String] = []
    for (index, event) in events.enumerated() {
      messages += state.apply(event, seq: Int64(index + 1)).map(\.message)
    }
    return messages
  }

  let genesis = Event.genesis(Genesis(authority: "a", region: "340100", origin: "o"))

  @Test func distinctRegistrationsPass() {
    #expect(
      faults([
        genesis, Self.institution("U1", licence: "L1", account: "6217-01"),
        Self.institution("U2", licence: "L2", account: "6217-02"),
        .teacherAdded(TeacherAdded(id: "T1", institution: "U1", name: "甲", certificate: "C-1")),
        .teacherAdded(TeacherAdded(id: "T2", institution: "U2", name: "乙", certificate: "C-2")),
      ]).isEmpty)
  }

  @Test func aSecondLicenceAccountOrCertificateIsAFault() {
    let found = faults([
      genesis, Self.institution("U1", licence: "L1", account: "6217-01"),
      Self.institution("U2", licence: "L1", account: "621701"),
      .teacherAdded(TeacherAdded(id: "T1", institution: "U1", name: "甲", certificate: "C-1")),
      .teacherAdded(TeacherAdded(id: "T2", institution: "U2", name: "乙", certificate: "C-1")),
    ])
    #expect(found.contains { $0.contains("licence L1") })
    #expect(found.contains { $0.contains("escrow account of institution U2") }, "hyphens aside")
    #expect(found.contains { $0.contains("certificate C-1") })
  }

  @Test func anInstitutionOutsideTheBureausRegionIsAFault() {
    let found = faults([genesis, Self.institution("U1", licence: "L1", account: "1", region: "110105")])
    #expect(found.contains { $0.contains("outside the bureau's region 340100") })
    #expect(Region.code("340104", isInside: "340100") && Region.code("340104", isInside: "340000"))
    #expect(!Region.code("340204", isInside: "340100") && Region.code("340100", isInside: "340100"))
  }
}

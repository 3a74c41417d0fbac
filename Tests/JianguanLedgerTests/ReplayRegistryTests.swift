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
      Self.institution("U2", licence: "L1", account: "6217-02"),
      Self.institution("U3", licence: "L3", account: "621701"),
      .teacherAdded(TeacherAdded(id: "T1", institution: "U1", name: "甲", certificate: "C-1")),
      .teacherAdded(TeacherAdded(id: "T2", institution: "U1", name: "乙", certificate: "C-1")),
    ])
    // The write path's rules and sentences, naming the holder.
    #expect(found.contains { $0.contains("licence_already_registered") && $0.contains("institution U1") })
    #expect(
      found.contains { $0.contains("escrow_account_already_registered") && $0.contains("institution U1") },
      "hyphens aside")
    #expect(found.contains { $0.contains("certificate_already_registered") && $0.contains("teacher T1") })
    #expect(found.count == 3)
  }

  @Test func anInstitutionOutsideTheBureausRegionIsAFault() {
    let found = faults([genesis, Self.institution("U1", licence: "L1", account: "1", region: "110105")])
    #expect(found.contains { $0.contains("region_outside_jurisdiction") && $0.contains("(340100)") })
    #expect(Region.code("340104", isInside: "340100") && Region.code("340104", isInside: "340000"))
    #expect(!Region.code("340204", isInside: "340100") && Region.code("340100", isInside: "340100"))
  }

  /// The replay runs the registry's rules that need the state (`RegistryEntryRules`), as the
  /// write path ran them: a forged class that clashes with another of its teacher, a course above
  /// the guided price, and a class of a suspended institution are faults.
  @Test func aClassThatClashesACourseAboveThePriceAndAListingWhileSuspendedAreFaults() {
    let policy = Event.policy(PolicyLoaded(document: EmbeddedReferenceData.files["policy.json"]!))
    let base: [Event] = [
      genesis, policy, Self.institution("U1", licence: "L1", account: "1"),
      .venueAdded(VenueAdded(id: "V1", institution: "U1", address: "a", areaM2: 100)),
      .venueAdded(VenueAdded(id: "V2", institution: "U1", address: "b", areaM2: 100)),
      .teacherAdded(TeacherAdded(id: "T1", institution: "U1", name: "甲", certificate: "C-1")),
      .courseAdded(
        CourseAdded(
          id: "C1", institution: "U1", name: "篮球", subject: nil, category: "体育", delivery: "offline",
          lessonMinutes: 60, hours: 40, pricePerHourFen: 10_000, classSize: "10to35")),
    ]
    func klass(_ id: String, venue: String) -> Event {
      .classAdded(
        ClassAdded(
          id: id, course: "C1", institution: "U1", venue: venue, teacher: "T1", capacity: 20,
          starts: "2026-07-04", ends: "2026-08-30", schedule: "Sat 09:00-12:00"))
    }
    #expect(faults(base + [klass("B1", venue: "V1")]).isEmpty)
    let clash = faults(base + [klass("B1", venue: "V1"), klass("B2", venue: "V2")])
    #expect(clash.count == 1 && clash[0].contains("class_time_clash") && clash[0].contains("teacher T1"))

    let subjectSchool = Event.institutionRegistered(
      InstitutionRegistered(
        uscc: "U2", name: "学校", region: "340104", kind: "subject", category: nil, nonprofit: true,
        licence: "L2",
        licenceExpires: "2030-01-01", escrowBank: "银行", escrowAccount: "2", mode: "escrow",
        checksumOverrideReason: nil))
    func mathematics(_ fen: Int64) -> Event {
      .courseAdded(
        CourseAdded(
          id: "C2", institution: "U2", name: "数学", subject: "数学", category: nil, delivery: "offline",
          lessonMinutes: 45, hours: 40, pricePerHourFen: fen, classSize: "10to35"))
    }
    #expect(faults(base + [subjectSchool, mathematics(5_000)]).isEmpty)
    let priced = faults(base + [subjectSchool, mathematics(10_000_000)])
    #expect(priced.count == 1 && priced[0].contains("class_price_above_guided_ceiling"))

    let suspended = Event.institutionStatusChanged(
      InstitutionStatusChanged(uscc: "U1", status: .suspended, reason: "r"))
    let listed = faults(base + [suspended, klass("B1", venue: "V1")])
    #expect(listed.count == 1 && listed[0].contains("institution_not_active"))
  }
}

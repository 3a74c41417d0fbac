import JianguanCrypto
import Testing

@testable import JianguanLedger

@Suite struct EntryTests {
  let payment = Event.payment(
    Payment(
      enrollment: "E1", bankRef: "BOC-1", student: "S1", parent: "P1", classID: "B1",
      institution: "52340104MJ43237574", hours: 24, amountFen: 119_999, paidAt: "2026-02-10T10:30:00+08:00",
      postings: Posting.transfer(119_999, from: "parent:P1", to: "escrow:E1")))

  @Test func entryBytesAreTheDocumentedDeterministicMap() throws {
    let entry = Entry(
      seq: 2, time: "2026-11-29T10:00:00Z", kind: "lesson.disputed",
      payload: Event.lessonDisputed(LessonDisputed(lesson: "L1", reason: "未上课")).payload,
      previousHash: [UInt8](repeating: 0xAB, count: 32))
    func text(_ string: String) -> String {
      Hex.encode([UInt8(0x60 + string.utf8.count)]) + Hex.encode(Array(string.utf8))
    }
    // Six members, keys shortest first: v, seq, kind, prev, time, payload (docs/LEDGER-FORMAT.md §2).
    let expected =
      "a6" + text("v") + "02" + text("seq") + "02" + text("kind") + text("lesson.disputed") + text("prev")
      + "5820" + String(repeating: "ab", count: 32) + text("time") + text("2026-11-29T10:00:00Z")
      + text("payload") + "a2" + text("lesson") + text("L1") + text("reason") + "69e69caae4b88ae8afbe"
    #expect(Hex.encode(entry.bytes) == expected)
    #expect(entry.hash == SHA256.hash(entry.bytes))
    #expect(try Entry.parse(entry.bytes) == entry)
  }

  @Test func everyEventKindSurvivesEncodingAndDecoding() throws {
    let events: [Event] = [
      .genesis(Genesis(authority: "合肥市教育局", region: "340100", origin: "o")),
      .institutionRegistered(
        InstitutionRegistered(
          uscc: "U", name: "N", region: "340104", kind: "subject", category: nil, nonprofit: true,
          licence: "L",
          licenceExpires: "2029-01-01", escrowBank: "B", escrowAccount: "1234", mode: "escrow",
          checksumOverrideReason: "old code")),
      .institutionStatusChanged(InstitutionStatusChanged(uscc: "U", status: .suspended, reason: "r")),
      .institutionStatusChanged(InstitutionStatusChanged(uscc: "U", status: .reinstated, reason: "r")),
      .institutionStatusChanged(InstitutionStatusChanged(uscc: "U", status: .revoked, reason: "r")),
      .venueAdded(VenueAdded(id: "V1", institution: "U", address: "a", areaM2: 10)),
      .teacherAdded(TeacherAdded(id: "T1", institution: "U", name: "n", certificate: "c")),
      .courseAdded(
        CourseAdded(
          id: "C1", institution: "U", name: "n", subject: "数学", category: nil, delivery: "offline",
          lessonMinutes: 45,
          hours: 40, pricePerHourFen: 5000, classSize: "10to35")),
      .classAdded(
        ClassAdded(
          id: "B1", course: "C1", institution: "U", venue: "V1", teacher: "T1", capacity: 20,
          starts: "2026-03-01",
          ends: "2026-05-01", schedule: "Tue 18:00-18:45")),
      .parentRegistered(ParentRegistered(id: "P1", commitment: "ab")),
      .studentAdded(StudentAdded(id: "S1", parent: "P1", commitment: "cd", grade: 5)),
      payment,
      .lessonRecorded(LessonRecorded(lesson: "L1", enrollment: "E1", hours: 2, taughtAt: "t")),
      .lessonReleased(
        LessonReleased(lesson: "L1", enrollment: "E1", basis: .deemed, amountFen: 9_999, postings: [])),
      .lessonDisputed(LessonDisputed(lesson: "L1", reason: "r")),
      .lessonVoided(LessonVoided(lesson: "L1", reason: "r")),
      .refund(
        Refund(
          refund: "R1", enrollment: "E1", bankRef: "X", hours: 3, amountFen: 15_000, reason: "r",
          allRemaining: true,
          postings: Posting.transfer(15_000, from: "escrow:E1", to: "parent:P1"))),
    ]
    for event in events {
      let payload = try #require(JSONValue(cbor: try CBORDecoder.decode(event.payload.cborBytes)))
      let decoded = try Event(kind: event.kind, payload: payload)
      #expect(decoded == event, "round trip of \(event.kind)")
    }
  }

  @Test func paymentPayloadNamesTheClassFieldClass() {
    #expect(payment.payload["class"]?.stringValue == "B1")
    #expect(payment.payload["classID"] == nil)
    #expect(payment.payload["postings"]?.arrayValue?.count == 2)
  }

  @Test func parseRefusesEntriesThatAreNotWellFormed() {
    let entry = Entry(
      seq: 1, time: "2026-11-29T10:00:00Z", kind: "genesis", payload: .object([:]),
      previousHash: Entry.genesisPrevious)
    let bytes = entry.bytes
    let seqAt = bytes.firstIndex(of: 0x01)!  // the seq's one-byte head
    func changed(_ at: Int, _ replacement: [UInt8]) -> [UInt8] {
      var copy = bytes
      copy.replaceSubrange(at...at, with: replacement)
      return copy
    }
    let broken = [
      changed(seqAt, [0x00]),  // seq 0
      changed(seqAt, [0x18, 0x01]),  // seq 1 in a longer head than needed
      changed(2, [0x03]),  // v: 3
      changed(0, [0xA7]),  // one member more than there is
      bytes + [0xF6],  // a trailing null
      EntryV1.encode(
        seq: 1, time: entry.time, kind: "genesis", payload: .object([:]), previousHash: Entry.genesisPrevious),
    ]
    for bad in broken {
      #expect(bad != bytes)
      #expect(throws: (any Error).self) { try Entry.parse(bad) }
    }
    #expect(throws: (any Error).self) { try EntryV1.parse(bytes) }
  }

  @Test func unknownKindsAndMismatchedStatusesAreRefused() {
    #expect(throws: (any Error).self) { try Event(kind: "payment.forged", payload: .object([:])) }
    let suspended = Event.institutionStatusChanged(
      InstitutionStatusChanged(uscc: "U", status: .suspended, reason: "r"))
    #expect(throws: (any Error).self) { try Event(kind: "institution.revoked", payload: suspended.payload) }
  }
}

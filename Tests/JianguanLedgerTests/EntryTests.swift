import JianguanCrypto
import Testing

@testable import JianguanLedger

@Suite struct EntryTests {
  let payment = Event.payment(
    Payment(
      enrollment: "E1", bankRef: "BOC-1", student: "S1", parent: "P1", classID: "B1",
      institution: "52340104MJ43237574", hours: 24, amountFen: 119_999, paidAt: "2026-02-10T10:30:00+08:00",
      postings: Posting.transfer(119_999, from: "parent:P1", to: "escrow:E1")))

  @Test func entryBytesAreTheDocumentedCanonicalObject() throws {
    let entry = Entry(
      seq: 2, time: "2026-11-29T10:00:00Z", kind: "lesson.disputed",
      payload: Event.lessonDisputed(LessonDisputed(lesson: "L1", reason: "未上课")).payload,
      previousHash: [UInt8](repeating: 0xAB, count: 32))
    let text = String(decoding: entry.bytes, as: UTF8.self)
    #expect(
      text == #"{"kind":"lesson.disputed","payload":{"lesson":"L1","reason":"未上课"},"prev":""#
        + String(repeating: "ab", count: 32) + #"","seq":2,"time":"2026-11-29T10:00:00Z","v":1}"#)
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
      let decoded = try Event(
        kind: event.kind, payload: try CanonicalJSONParser.parse(event.payload.canonicalBytes))
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
    let text = String(decoding: entry.bytes, as: UTF8.self)
    let broken = [
      text.replacingOccurrences(of: #""seq":1"#, with: #""seq":0"#),
      text.replacingOccurrences(of: #""v":1"#, with: #""v":2"#),
      text.replacingOccurrences(of: #""prev":"00"#, with: #""prev":"0"#),
      text.replacingOccurrences(of: "Z\",", with: "\","),
      text.replacingOccurrences(of: #"{"kind""#, with: #"{ "kind""#),
      text.replacingOccurrences(of: #","v":1}"#, with: #","v":1,"x":1}"#),
    ]
    for bytes in broken {
      #expect(bytes != text)
      #expect(throws: (any Error).self) { try Entry.parse(Array(bytes.utf8)) }
    }
  }

  @Test func unknownKindsAndMismatchedStatusesAreRefused() {
    #expect(throws: (any Error).self) { try Event(kind: "payment.forged", payload: .object([:])) }
    let suspended = Event.institutionStatusChanged(
      InstitutionStatusChanged(uscc: "U", status: .suspended, reason: "r"))
    #expect(throws: (any Error).self) { try Event(kind: "institution.revoked", payload: suspended.payload) }
  }
}

import Foundation
import JianguanCore
import JianguanCrypto
import JianguanLedger
import Testing

/// `Tools/verify_ledger.py`, written from docs/LEDGER-FORMAT.md alone, checks the time rules too:
/// entries in time order, and deemed releases only after the window counted with the log's calendar.
@Suite(.enabled(if: CLI.hasCBOR2, CLI.noCBOR2)) struct VerifierTimingTests {
  /// An export (JSON lines) of these events, dated by `times` (UTC), with a sound chain.
  func export(_ events: [(Event, String)]) -> String {
    var previous = Entry.genesisPrevious
    var lines: [String] = []
    for (index, (event, time)) in events.enumerated() {
      let entry = Entry(
        seq: Int64(index + 1), time: time, kind: event.kind, payload: event.payload, previousHash: previous)
      lines.append(
        "{\"seq\":\(index + 1),\"kind\":\"\(event.kind)\",\"entryHex\":\"\(Hex.encode(entry.bytes))\",\"prevHash\":\"\(Hex.encode(previous))\",\"hash\":\"\(Hex.encode(entry.hash))\"}"
      )
      previous = entry.hash
    }
    return lines.joined(separator: "\n") + "\n"
  }

  func verify(_ text: String, _ options: [String] = []) throws -> CLI.Result {
    let cli = try CLI()
    defer { cli.remove() }
    let file = cli.folder.appendingPathComponent("export.jsonl")
    try Data(text.utf8).write(to: file)
    return try CLI.run(
      CLI.verifierPython,
      [CLI.packageRoot.appendingPathComponent("Tools/verify_ledger.py").path, file.path] + options,
      environment: cli.environment, in: cli.folder)
  }

  func day(_ text: String) -> CalendarDate { try! CalendarDate.parse(text, field: "test") }

  var genesis: Event { .genesis(Genesis(authority: "a", region: "340100", origin: "o")) }

  @Test func anEntryDatedBeforeTheOneBeforeItIsAFault() throws {
    let venue = Event.venueAdded(VenueAdded(id: "V1", institution: "X", address: "a", areaM2: 1))
    let sound = try verify(export([(genesis, "2026-03-01T01:00:00Z"), (venue, "2026-03-01T01:00:00Z")]))
    #expect(sound.status == 0, "\(sound.stdout)")
    let back = try verify(export([(genesis, "2026-03-01T01:00:00Z"), (venue, "2026-02-28T01:00:00Z")]))
    #expect(back.status == 1 && back.stdout.contains("dated before the entry before it"), "\(back.stdout)")
  }

  @Test func aDeemedReleaseBeforeTheWindowIsAFault() throws {
    let year = try WorkingDayCalendar.Year(year: 2026, weekdaysOff: [day("2026-04-06")], weekendsWorked: [])
    let payment = Event.payment(
      Payment(
        enrollment: "E1", bankRef: "PAY1", student: "S1", parent: "P1", classID: "B1", institution: "X",
        hours: 10, amountFen: 1_000, paidAt: "2026-02-20T10:00:00+08:00",
        postings: Posting.transfer(1_000, from: "parent:P1", to: "escrow:E1")))
    let recorded = Event.lessonRecorded(
      LessonRecorded(lesson: "L1", enrollment: "E1", hours: 1, taughtAt: "2026-03-07T09:00:00+08:00"))
    let released = Event.lessonReleased(
      LessonReleased(
        lesson: "L1", enrollment: "E1", basis: .deemed, amountFen: 100,
        postings: Posting.transfer(100, from: "escrow:E1", to: "institution:X")))
    // Recorded Friday 20 March; 10 April is the 14th working day after it (Qingming Monday off).
    let text = export([
      (genesis, "2026-02-01T01:00:00Z"), (.calendar(CalendarLoaded(year)), "2026-02-01T01:00:00Z"),
      (payment, "2026-02-20T03:00:00Z"), (recorded, "2026-03-20T04:00:00Z"),
      (released, "2026-04-10T10:00:00Z"),
    ])
    #expect(try verify(text, ["--confirmation-window", "14"]).status == 0)
    let early = try verify(text, ["--confirmation-window", "15"])
    #expect(
      early.status == 1 && early.stdout.contains("deemed confirmed before 15 working days"), "\(early.stdout)"
    )
    // Without the calendar year, the days cannot be counted.
    let uncounted = export([
      (genesis, "2026-02-01T01:00:00Z"), (payment, "2026-02-20T03:00:00Z"),
      (recorded, "2026-03-20T04:00:00Z"),
      (released, "2026-04-10T10:00:00Z"),
    ])
    #expect(try verify(uncounted).status == 1)
  }

  /// The verifier checks a contract as the replay does: right after its payment, the model
  /// contract, and the windows of the policy in force for the institution's region.
  @Test func aContractOutOfPlaceOrWithOtherWindowsIsAFault() throws {
    let policy = Event.policy(PolicyLoaded(document: EmbeddedReferenceData.files["policy.json"]!))
    let institution = Event.institutionRegistered(
      InstitutionRegistered(
        uscc: "X", name: "n", region: "340104", kind: "non-subject", category: "sports", nonprofit: false,
        licence: "l", licenceExpires: "2030-01-01", escrowBank: "b", escrowAccount: "1", mode: "escrow",
        checksumOverrideReason: nil))
    let payment = Event.payment(
      Payment(
        enrollment: "E1", bankRef: "PAY1", student: "S1", parent: "P1", classID: "B1", institution: "X",
        hours: 10, amountFen: 1_000, paidAt: "2026-02-20T10:00:00+08:00",
        postings: Posting.transfer(1_000, from: "parent:P1", to: "escrow:E1")))
    let book = try PolicyBook.parse(json: Array(EmbeddedReferenceData.files["policy.json"]!.utf8))
    let rules = LedgerPolicy(book).policy(for: "340104")
    func contract(_ window: Int, template: String = "GF-2021-2604") -> Event {
      .parentFlow(
        .contractIssued(
          ContractIssued(
            enrollment: "E1", template: template, confirmationWindowWorkingDays: Int64(window),
            refundAnswerWorkingDays: Int64(rules.refundAnswerWorkingDays))))
    }
    func log(_ tail: [Event]) -> String {
      export(([genesis, policy, institution] + tail).map { ($0, "2026-02-20T03:00:00Z") })
    }
    let window = rules.confirmationWindowWorkingDays
    let sound = try verify(log([payment, contract(window)]))
    #expect(sound.status == 0, "\(sound.stdout)")
    let other = try verify(log([payment, contract(window + 1)]))
    #expect(
      other.status == 1
        && other.stdout.contains(
          "contract of E1 says confirmationWindowWorkingDays \(window + 1), the policy in force \(window)"),
      "\(other.stdout)")
    let model = try verify(log([payment, contract(window, template: "GF-2014-2604")]))
    #expect(model.status == 1 && model.stdout.contains("not the model contract"), "\(model.stdout)")
    let alone = try verify(log([contract(window)]))
    #expect(
      alone.status == 1 && alone.stdout.contains("does not immediately follow its payment"), "\(alone.stdout)"
    )
  }
}

import Foundation
import JianguanCore
import JianguanCrypto
import JianguanLedger
import JianguanTestSupport
import Testing

@testable import JianguanStore

/// The domain operations run against the store interface (`LedgerTransaction`), not against SQL:
/// the same requests on the SQLite store and on a second store that is nothing but the replay in
/// memory (`MemoryLedger`) give the same outcomes, refusals and entries.
@Suite struct OperationsAcrossStoresTests {
  /// A second store holding the SQLite store's log so far, each entry appended at its own time.
  func copy(of fixture: StoreFixture) throws -> MemoryLedger {
    let memory = MemoryLedger(clock: StoreFixture.now)
    try fixture.database.entries(fromSeq: 1, limit: nil) { line in
      let entry = try Entry.parse(line.entryBytes)
      let seconds = Array(entry.time.utf8).withUnsafeBufferPointer {
        LedgerState.unixSeconds(utcTimestamp: $0)
      }
      memory.clock = LocalDateTime(unixSeconds: seconds!)
      _ = try memory.ledger.append(try Event(kind: entry.kind, payload: entry.payload))
    }
    memory.clock = StoreFixture.now
    return memory
  }

  typealias Outcome = AcrossStoresOutcome

  func outcome(_ body: () throws -> (id: String, seq: Int64, repeated: Bool)) -> Outcome {
    do {
      let result = try body()
      return .appended(result.id, result.seq, repeated: result.repeated)
    } catch let rejection as Rejection {
      return .refused(rejection.code)
    } catch {
      return .refused("\(error)")
    }
  }

  /// Runs `request` on the SQLite store and on `memory`, a copy of its log: the class is
  /// `classID`, the request's students are `students`.
  func run(
    _ request: AcrossStoresRequest, on fixture: StoreFixture, and memory: MemoryLedger, classID: String,
    students: [String]
  ) -> (Outcome, Outcome) {
    func pay(_ student: String, hours: Int64 = 20, yuan: Int64 = 2000, ref: String) -> (Outcome, Outcome) {
      let form = fixture.paymentForm(
        student: student, classID: classID, hours: "\(hours)", amount: "\(yuan)", ref: ref,
        at: AcrossStoresRequest.paidAt)
      let request = PaymentRequest(
        student: student, classID: classID, hours: hours, amountFen: yuan * 100, bankRef: ref,
        paidAt: try! LocalDateTime.parse(form.paidAt!, field: "at"))
      let sqlite = outcome {
        let r = try fixture.database.pay(form, now: StoreFixture.now)
        return (r.id, r.seq, r.repeated)
      }
      let second = outcome {
        let r = try PaymentOperation.run(request, in: memory.ledger)
        return (r.id, r.seq, r.repeated)
      }
      return (sqlite, second)
    }
    func lesson(_ enrollment: String, hours: Int64 = 2, at taught: String) -> (Outcome, Outcome) {
      let sqlite = outcome {
        let r = try fixture.database.recordLesson(
          enrollment: enrollment, hours: "\(hours)", taughtAt: taught, now: StoreFixture.now)
        return (r.id, r.seq, r.repeated)
      }
      let second = outcome {
        let request = LessonRequest(
          enrollment: enrollment, hours: hours, taught: try LocalDateTime.parse(taught, field: "taught-at"))
        let r = try LessonOperation.record(request, in: memory.ledger)
        return (r.id, r.seq, r.repeated)
      }
      return (sqlite, second)
    }
    func refund(_ enrollment: String, hours: Int64? = nil, ref: String) -> (Outcome, Outcome) {
      let sqlite = outcome {
        let r = try fixture.database.refund(
          enrollment: enrollment, hours: hours.map(String.init), reason: "搬家", bankRef: ref)
        return (r.id, r.seq, r.repeated)
      }
      let second = outcome {
        let r = try RefundOperation.run(
          enrollment: enrollment, hours: hours, reason: "搬家", bankRef: ref, in: memory.ledger)
        return (r.id, r.seq, r.repeated)
      }
      return (sqlite, second)
    }

    return switch request {
    case .pay(let student, let hours, let yuan, let ref):
      pay(students[student], hours: hours, yuan: yuan, ref: ref)
    case .lesson(let enrollment, let hours, let at): lesson(enrollment, hours: hours, at: at)
    case .refund(let enrollment, let hours, let ref): refund(enrollment, hours: hours, ref: ref)
    }
  }

  @Test func paymentsAndLessonsGiveTheSameOutcomesAndEntriesOnBothStores() throws {
    let fixture = try StoreFixture()
    let (uscc, classID) = try fixture.openClass(capacity: 2, pricePerHour: "100")
    let students = try (0..<3).map { _ in try fixture.student() }
    let memory = try copy(of: fixture)
    let copied = memory.entries.count
    #expect(Int64(copied) == (try fixture.database.size()))

    // The list every store runs (`AcrossStoresRequest.all`), written once.
    let outcomes = AcrossStoresRequest.all.map {
      run($0, on: fixture, and: memory, classID: classID, students: students)
    }
    let codes = outcomes.map { $0.0 }
    #expect(
      codes.compactMap { if case .refused(let code) = $0 { code } else { nil } }
        == AcrossStoresRequest.refusals)
    for (index, (sqlite, second)) in outcomes.enumerated() {
      #expect(sqlite == second, "request \(index)")
    }

    // The entries each store appended, the same events in the same order.
    var appended: [Event] = []
    try fixture.database.entries(fromSeq: Int64(copied) + 1, limit: nil) { line in
      let entry = try Entry.parse(line.entryBytes)
      appended.append(try Event(kind: entry.kind, payload: entry.payload))
    }
    #expect(appended.map(\.kind) == AcrossStoresRequest.appendedKinds)
    #expect(appended == Array(memory.entries.dropFirst(copied)))
    // Byte for byte, hash chain included: the whole log of each store is the same.
    var sqliteBytes: [[UInt8]] = []
    try fixture.database.entries(fromSeq: 1, limit: nil) { sqliteBytes.append(Array($0.entryBytes)) }
    #expect(sqliteBytes == memory.entryBytes)

    expectSameBalances(fixture, memory, institution: uscc)
    #expect(
      try BalanceSummary(memory.state, scope: .all, regions: StoreFixture.reference.regions).escrowFen > 0)
  }

  /// Property: random requests (payments, lessons and refunds, with references used again, a
  /// class that fills up and enrollments that do not exist) give the same outcome on both stores,
  /// the same log byte for byte, and the same balances read from the table and from the replay.
  @Test(arguments: [1, 2, 3, 4] as [UInt64])
  func randomRequestsGiveTheSameOutcomesEntriesAndBalances(seed: UInt64) throws {
    let fixture = try StoreFixture()
    let (uscc, classID) = try fixture.openClass(capacity: 3, pricePerHour: "100")
    let students = try (0..<4).map { _ in try fixture.student() }
    let memory = try copy(of: fixture)
    var random = SeededGenerator(seed: seed)
    // The class's weekend slots in March, and two times that are not slot starts.
    let times = [
      "2026-03-07T09:00", "2026-03-08T09:00", "2026-03-14T09:00", "2026-03-15T09:00", "2026-03-21T09:00",
      "2026-03-07T10:30", "2026-03-09T09:00",
    ]
    var outcomes: [Outcome] = []
    for step in 0..<40 {
      let enrollment = "E\(Int.random(in: 1...5, using: &random))"
      let request: AcrossStoresRequest
      switch Int.random(in: 0..<3, using: &random) {
      case 0:
        let hours = Int64.random(in: 1...25, using: &random)
        request = .pay(
          student: Int.random(in: 0..<4, using: &random), hours: hours,
          yuan: hours * 100 + Int64.random(in: -20...2, using: &random),
          ref: "P-\(Int.random(in: 0..<12, using: &random))")
      case 1:
        request = .lesson(
          enrollment: enrollment, hours: Int64.random(in: 1...4, using: &random),
          at: times.randomElement(using: &random)!)
      default:
        request = .refund(
          enrollment: enrollment,
          hours: Bool.random(using: &random) ? nil : Int64.random(in: 1...8, using: &random),
          ref: "R-\(Int.random(in: 0..<8, using: &random))")
      }
      let (sqlite, second) = run(request, on: fixture, and: memory, classID: classID, students: students)
      #expect(sqlite == second, "seed \(seed), step \(step): \(request)")
      outcomes.append(sqlite)
    }
    // Both kinds of outcome occur, or the property says little.
    #expect(outcomes.contains { if case .appended(_, _, repeated: false) = $0 { true } else { false } })
    #expect(outcomes.contains { if case .refused = $0 { true } else { false } })
    var sqliteBytes: [[UInt8]] = []
    try fixture.database.entries(fromSeq: 1, limit: nil) { sqliteBytes.append(Array($0.entryBytes)) }
    #expect(sqliteBytes == memory.entryBytes)
    expectSameBalances(fixture, memory, institution: uscc)
  }

  /// `balance` from the replay's state (a store without tables) sums what the SQLite store's
  /// table does, for every kind of scope, and refuses what it refuses with the same sentence.
  func expectSameBalances(_ fixture: StoreFixture, _ memory: MemoryLedger, institution uscc: String) {
    let regions = StoreFixture.reference.regions
    for scope: BalanceScope in [
      .all, .institution(uscc), .enrollment("E1"), .enrollment("E2"), .region("340104"), .region("340100"),
      .region("340000"), .region("110000"), .institution("52340104MJ0000000X"), .enrollment("E9"),
      .region("340199"),
    ] {
      func answer(_ body: () throws -> BalanceSummary) -> Result<BalanceSummary, Rejection> {
        do { return .success(try body()) } catch { return .failure(error as! Rejection) }
      }
      let table = answer { try fixture.database.balance(scope) }
      let replay = answer { try BalanceSummary(memory.state, scope: scope, regions: regions) }
      #expect(replay == table, "\(scope)")
    }
  }

  /// A store loads the state from the entries it holds: the same head and answers as the store's
  /// own tables, and the next payment gets the same id and entry as on the SQLite store.
  @Test func aLedgerLoadedFromTheStoresBytesContinuesItsChain() throws {
    let fixture = try StoreFixture()
    let (_, classID) = try fixture.openClass(capacity: 5, pricePerHour: "100")
    let student = try fixture.student()
    _ = try fixture.database.pay(
      fixture.paymentForm(student: student, classID: classID, hours: "10", amount: "1000", ref: "LOAD-1"),
      now: StoreFixture.now)
    let loaded = ReplayedLedger(clock: StoreFixture.now)
    var stored: [[UInt8]] = []
    try fixture.database.entries(fromSeq: 1, limit: nil) { stored.append(Array($0.entryBytes)) }
    for bytes in stored { try loaded.load(entryBytes: bytes) }
    #expect(loaded.head.seq == Int64(stored.count))
    #expect(loaded.head.hash == SHA256.hash(stored.last!))
    let balance = try #require(try loaded.balance(ofEnrollment: "E1"))
    #expect(balance.hoursPaid == 10 && balance.amountFen == 100_000)
    // A repeated bank reference needs the store (the state keeps only that it was used).
    #expect(try loaded.earlierUse(ofBankRef: "NEW-REF") == nil)

    let form = fixture.paymentForm(
      student: student, classID: classID, hours: "5", amount: "500", ref: "LOAD-2")
    let request = PaymentRequest(
      student: student, classID: classID, hours: 5, amountFen: 50_000, bankRef: "LOAD-2",
      paidAt: try LocalDateTime.parse(form.paidAt!, field: "at"))
    let memory = try PaymentOperation.run(request, in: loaded)
    let sqlite = try fixture.database.pay(form, now: StoreFixture.now)
    #expect(memory.id == sqlite.id && memory.seq == sqlite.seq)
  }

  /// Loading refuses an entry that does not follow the one before it in the chain.
  @Test func loadingRefusesAnEntryOutOfChain() throws {
    let fixture = try StoreFixture()
    var stored: [[UInt8]] = []
    try fixture.database.entries(fromSeq: 1, limit: nil) { stored.append(Array($0.entryBytes)) }
    #expect(stored.count >= 3)
    let ledger = ReplayedLedger(clock: StoreFixture.now)
    try ledger.load(entryBytes: stored[0])
    #expect(throws: ReplayedLedger.Refused.self) { try ledger.load(entryBytes: stored[2]) }
    #expect(ledger.head.seq == 1)
  }

  /// An append dated before the last entry is refused with the store's own sentence, and the
  /// ledger stays current: nothing was applied.
  @Test func anAppendBeforeTheLastEntryIsRefusedAndLeavesTheStateCurrent() throws {
    let fixture = try StoreFixture()
    let memory = try copy(of: fixture)
    let size = memory.entries.count
    memory.clock = try LocalDateTime.parse("2020-01-01T00:00", field: "now")
    let error = #expect(throws: Rejection.self) { _ = try memory.ledger.append(memory.entries.last!) }
    #expect(error?.code == "clock_before_last_entry")
    #expect(memory.entries.count == size)
    #expect(memory.ledger.isCurrent)
  }
}

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

  static func outcome(_ body: () throws -> (id: String, seq: Int64, repeated: Bool)) -> Outcome {
    do {
      let result = try body()
      return .appended(result.id, result.seq, repeated: result.repeated)
    } catch let rejection as Rejection {
      return .refused(rejection.code)
    } catch {
      return .refused("\(error)")
    }
  }

  /// Requests run on both stores, their outcomes side by side.
  final class SideBySide {
    var outcomes: [(Outcome, Outcome)] = []

    func both(_ sqlite: () throws -> Recorded, _ second: () throws -> Appended) {
      outcomes.append(
        (
          OperationsAcrossStoresTests.outcome {
            let r = try sqlite()
            return (r.id, r.seq, r.repeated)
          },
          OperationsAcrossStoresTests.outcome {
            let r = try second()
            return (r.id, r.seq, r.repeated)
          }
        ))
    }

    func expectSameOutcomes() {
      for (index, (sqlite, second)) in outcomes.enumerated() {
        #expect(sqlite == second, "request \(index)")
      }
    }

    /// The rules of the refused requests, in order (on the SQLite store).
    var refusals: [String] {
      outcomes.map(\.0).compactMap { if case .refused(let rule) = $0 { rule } else { nil } }
    }
  }

  /// Both stores hold the same log, byte for byte, and the SQLite store's audit passes.
  func expectSameLogs(_ fixture: StoreFixture, _ memory: MemoryLedger) throws {
    var sqliteBytes: [[UInt8]] = []
    try fixture.database.entries(fromSeq: 1, limit: nil) { sqliteBytes.append(Array($0.entryBytes)) }
    #expect(sqliteBytes == memory.entryBytes)
    #expect(try fixture.database.audit().faults.isEmpty)
  }

  /// Runs `request` on the SQLite store and on `memory`, a copy of its log: the class is
  /// `classID`, the request's students are `students`.
  func run(
    _ request: AcrossStoresRequest, on fixture: StoreFixture, and memory: MemoryLedger, classID: String,
    students: [String], institution: String = ""
  ) -> (Outcome, Outcome) {
    func pay(_ student: String, hours: Int64 = 20, yuan: Int64 = 2000, ref: String) -> (Outcome, Outcome) {
      let form = fixture.paymentForm(
        student: student, classID: classID, hours: "\(hours)", amount: "\(yuan)", ref: ref,
        at: AcrossStoresRequest.paidAt)
      let request = PaymentRequest(
        student: student, classID: classID, hours: hours, amountFen: yuan * 100, bankRef: ref,
        paidAt: try! LocalDateTime.parse(form.paidAt!, field: "at"))
      let sqlite = Self.outcome {
        let r = try fixture.database.pay(form, now: StoreFixture.now)
        return (r.id, r.seq, r.repeated)
      }
      let second = Self.outcome {
        let r = try PaymentOperation.run(request, in: memory.ledger)
        return (r.id, r.seq, r.repeated)
      }
      return (sqlite, second)
    }
    func lesson(_ enrollment: String, hours: Int64 = 2, at taught: String) -> (Outcome, Outcome) {
      let sqlite = Self.outcome {
        let r = try fixture.database.recordLesson(
          enrollment: enrollment, hours: "\(hours)", taughtAt: taught, now: StoreFixture.now)
        return (r.id, r.seq, r.repeated)
      }
      let second = Self.outcome {
        let request = LessonRequest(
          enrollment: enrollment, hours: hours, taught: try LocalDateTime.parse(taught, field: "taught-at"))
        let r = try LessonOperation.record(request, in: memory.ledger)
        return (r.id, r.seq, r.repeated)
      }
      return (sqlite, second)
    }
    func refund(_ enrollment: String, hours: Int64? = nil, ref: String) -> (Outcome, Outcome) {
      let sqlite = Self.outcome {
        let r = try fixture.database.refund(
          enrollment: enrollment, hours: hours.map(String.init), reason: "搬家", bankRef: ref)
        return (r.id, r.seq, r.repeated)
      }
      let second = Self.outcome {
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
    default: runParentFlow(request, on: fixture, and: memory, institution: institution)
    }
  }

  /// Runs a request of `AcrossStoresRequest.parentFlows` or `.credentials` on both stores: the
  /// SQLite store through `AppDatabase`, the memory store through the operation alone.
  func runParentFlow(
    _ request: AcrossStoresRequest, on fixture: StoreFixture, and memory: MemoryLedger, institution: String
  ) -> (Outcome, Outcome) {
    let (database, ledger) = (fixture.database, memory.ledger)
    let (now, today) = (fixture.clock.now, fixture.clock.now.date)
    func both(_ sqlite: () throws -> Recorded, _ second: () throws -> Appended) -> (Outcome, Outcome) {
      (
        Self.outcome {
          let r = try sqlite(); return (r.id, r.seq, r.repeated)
        },
        Self.outcome {
          let r = try second(); return (r.id, r.seq, r.repeated)
        }
      )
    }
    switch request {
    case .clock(let text):
      fixture.clock.set(text)
      memory.clock = fixture.clock.now
      return (.appended("clock", 0, repeated: false), .appended("clock", 0, repeated: false))
    case .confirm(let lesson):
      return both(
        { try database.confirmLesson(lesson) },
        { try LessonFlowOperation.release(lesson, basis: .confirmed, in: ledger) })
    case .dispute(let lesson):
      return both(
        { try database.disputeLesson(lesson, reason: "没上课") },
        { try LessonFlowOperation.dispute(lesson, reason: "没上课", in: ledger) })
    case .close(let prefix):
      // The last entry (the revocation) and how many entries the closure appended.
      return both(
        {
          let recorded = try database.closeInstitution(
            uscc: institution, reason: "举办者申请注销", bankRefPrefix: prefix)
          return Recorded(id: "\(recorded.count)", seq: recorded.last!.seq)
        },
        {
          let appended = try ClosureOperation.close(
            institution, reason: "举办者申请注销", bankRef: { "\(prefix)-\($0)" }, in: ledger)
          return Appended(id: "\(appended.count)", seq: appended.last!.seq)
        })
    case .rate(let enrollment, let score):
      return both(
        { try database.addRating(enrollment: enrollment, score: "\(score)", comment: nil, today: today) },
        {
          try RatingOperation.rate(
            enrollment: enrollment, score: score, comment: nil, today: today, in: ledger)
        })
    case .apply(let enrollment, let hours):
      return both(
        {
          try database.createRefundRequest(
            enrollment: enrollment, hours: hours.map(String.init), reason: "搬家", now: now)
        },
        {
          try RefundRequestOperation.apply(
            enrollment: enrollment, hours: hours, reason: "搬家", now: now, in: ledger
          ).appended
        })
    case .answer(let request, let agree):
      return both(
        { try database.answerRefundRequest(request, agree: agree, reason: "核实", today: today).answer },
        {
          try RefundRequestOperation.answer(request, agree: agree, reason: "核实", today: today, in: ledger)
            .answer
        })
    case .escalate(let request):
      return both(
        { try database.escalateRefundRequest(request, reason: "不服", today: today) },
        { try RefundRequestOperation.escalate(request, reason: "不服", today: today, in: ledger) })
    case .decide(let request, let agree):
      return both(
        { try database.decideRefundRequest(request, agree: agree, reason: "裁决", today: today).answer },
        {
          try RefundRequestOperation.decide(request, agree: agree, reason: "裁决", today: today, in: ledger)
            .answer
        })
    case .settle(let text):
      let asOf = try! CalendarDate.parse(text, field: "as-of")
      return both(
        {
          let settled = try database.settle(asOf: asOf)
          let all = settled.released + settled.refundRequestsDeemedAgreed.map(\.answer)
          return Recorded(id: all.map(\.id).joined(separator: ","), seq: all.last?.seq ?? 0)
        },
        {
          let settled = try SettleOperation.run(asOf: asOf, in: ledger)
          let all = settled.released + settled.refundRequestsDeemedAgreed.map(\.answer)
          return Appended(id: all.map(\.id).joined(separator: ","), seq: all.last?.seq ?? 0)
        })
    case .erase(let parent):
      return both(
        { try database.eraseParent(parent, reason: "家长申请删除", confirmed: true) },
        { try ErasureOperation.erase(parent, reason: "家长申请删除", in: ledger) })
    case .issue(let role, let scopedInstitution, let parent, let bank):
      let uscc = scopedInstitution == AcrossStoresRequest.classInstitution ? institution : scopedInstitution
      let credentialRole = try! CredentialRole.parse(role)
      // The memory store is given the token the SQLite store made, so that the entries agree.
      var token = "jg_refused"
      return both(
        {
          let issued = try database.issueCredential(
            role: credentialRole, institution: uscc, parent: parent, bank: bank)
          token = issued.token
          return Recorded(id: issued.principal.credential, seq: issued.seq)
        },
        {
          try CredentialOperation.issue(
            role: credentialRole, institution: uscc, parent: parent, bank: bank, token: token, in: ledger)
        })
    case .revoke(let credential):
      return both(
        { try database.revokeCredential(credential, reason: "离职") },
        { try CredentialOperation.revoke(credential, reason: "离职", in: ledger) })
    case .pay, .lesson, .refund:
      preconditionFailure("a money request is run by `run`")
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
    try expectSameLogs(fixture, memory)

    expectSameBalances(fixture, memory, institution: uscc)
    #expect(
      try BalanceSummary(memory.state, scope: .all, regions: StoreFixture.reference.regions).escrowFen > 0)
  }

  /// The parent's flows after the money (`AcrossStoresRequest.parentFlows`: ratings, refund
  /// applications answered, escalated, decided and deemed agreed by `settle`, an erasure) and then
  /// the credentials: the same outcomes, each refusal rule once, the same entries byte for byte.
  @Test func parentFlowsAndCredentialsGiveTheSameOutcomesAndEntriesOnBothStores() throws {
    let fixture = try StoreFixture()
    let (uscc, classID) = try fixture.openClass(capacity: 2, pricePerHour: "100")
    let students = try (0..<3).map { _ in try fixture.student() }
    let memory = try copy(of: fixture)
    for request in AcrossStoresRequest.all {
      _ = run(request, on: fixture, and: memory, classID: classID, students: students)
    }
    let before = try fixture.database.size()
    var outcomes: [(Outcome, Outcome)] = []
    for request in AcrossStoresRequest.parentFlows + AcrossStoresRequest.credentials {
      outcomes.append(
        run(request, on: fixture, and: memory, classID: classID, students: students, institution: uscc))
    }
    for (index, (sqlite, second)) in outcomes.enumerated() { #expect(sqlite == second, "request \(index)") }
    #expect(
      outcomes.compactMap { if case .refused(let code) = $0.0 { code } else { nil } }
        == AcrossStoresRequest.parentFlowRefusals + AcrossStoresRequest.credentialRefusals)
    var kinds: [String] = []
    try fixture.database.entries(fromSeq: before + 1, limit: nil) { kinds.append($0.kind) }
    #expect(
      kinds
        == AcrossStoresRequest.parentFlowKinds + Array(repeating: "credential.issued", count: 4)
        + ["credential.revoked"])
    try expectSameLogs(fixture, memory)
    expectSameBalances(fixture, memory, institution: uscc)
    // The erased family's personal data is gone from both stores; the other families' stays.
    #expect(try fixture.database.parentView("P3").name == ErasureOperation.erasedMark)
    #expect(try fixture.database.parentView("P1").name == "家长")
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
    try expectSameLogs(fixture, memory)
    expectSameBalances(fixture, memory, institution: uscc)
  }

  /// Closing an institution (`AcrossStoresRequest.closure`): the lessons voided, the applications
  /// agreed and refunded, the escrow refunded and the revocation, the same on both stores.
  @Test func closingAnInstitutionGivesTheSameEntriesOnBothStores() throws {
    let fixture = try StoreFixture()
    let (uscc, classID) = try fixture.openClass(capacity: 3, pricePerHour: "100")
    let students = try (0..<3).map { _ in try fixture.student() }
    let memory = try copy(of: fixture)
    var outcomes: [(Outcome, Outcome)] = []
    var closedAt: Int64 = 0
    for request in AcrossStoresRequest.closure {
      if case .close = request, closedAt == 0 { closedAt = try fixture.database.size() }
      outcomes.append(
        run(request, on: fixture, and: memory, classID: classID, students: students, institution: uscc))
    }
    for (index, (sqlite, second)) in outcomes.enumerated() { #expect(sqlite == second, "request \(index)") }
    #expect(
      outcomes.compactMap { if case .refused(let code) = $0.0 { code } else { nil } }
        == ["institution_already_revoked", "institution_not_active"])
    var kinds: [String] = []
    try fixture.database.entries(fromSeq: closedAt + 1, limit: nil) { kinds.append($0.kind) }
    #expect(kinds == AcrossStoresRequest.closureKinds)
    try expectSameLogs(fixture, memory)
    expectSameBalances(fixture, memory, institution: uscc)
    #expect(
      try BalanceSummary(memory.state, scope: .institution(uscc), regions: StoreFixture.reference.regions)
        .escrowFen == 0)
  }

  /// Property: random parent flows (confirmations, ratings, refund applications answered,
  /// escalated, decided and settled as the clock moves on, refunds, erasures and credentials for
  /// parents) give the same outcome on both stores, the same log byte for byte, and the same
  /// balances; the SQLite store's audit passes.
  @Test(arguments: [1, 2, 3, 4] as [UInt64])
  func randomParentFlowsGiveTheSameOutcomesEntriesAndBalances(seed: UInt64) throws {
    let fixture = try StoreFixture()
    let (uscc, classID) = try fixture.openClass(capacity: 3, pricePerHour: "100")
    let students = try (0..<3).map { _ in try fixture.student() }
    let memory = try copy(of: fixture)
    let setUp: [AcrossStoresRequest] =
      (0..<3).map { .pay(student: $0, hours: 20, yuan: 2000, ref: "PAY-\($0)") } + [
        .lesson(enrollment: "E1", hours: 2, at: "2026-03-07T09:00"),
        .lesson(enrollment: "E1", hours: 3, at: "2026-03-08T09:00"),
        .lesson(enrollment: "E2", hours: 2, at: "2026-03-07T09:00"),
        .lesson(enrollment: "E3", hours: 1, at: "2026-03-14T09:00"),
      ]
    for request in setUp {
      let (sqlite, second) = run(request, on: fixture, and: memory, classID: classID, students: students)
      #expect(sqlite == second && !(sqlite.isRefused), "\(request)")
    }
    var random = SeededGenerator(seed: seed)
    var day = fixture.clock.now.date.daysSinceEpoch
    var outcomes: [Outcome] = []
    func pick(_ prefix: String, _ range: ClosedRange<Int>) -> String {
      "\(prefix)\(Int.random(in: range, using: &random))"
    }
    for step in 0..<60 {
      let request: AcrossStoresRequest
      switch Int.random(in: 0..<11, using: &random) {
      case 0: request = .confirm(lesson: pick("L", 1...5))
      case 1: request = .rate(enrollment: pick("E", 1...4), score: Int64.random(in: 1...5, using: &random))
      case 2, 3:
        request = .apply(
          enrollment: pick("E", 1...4),
          hours: Bool.random(using: &random) ? nil : Int64.random(in: 1...8, using: &random))
      case 4: request = .answer(request: pick("RA", 1...3), agree: Bool.random(using: &random))
      case 5: request = .escalate(request: pick("RA", 1...3))
      case 6: request = .decide(request: pick("RA", 1...3), agree: Bool.random(using: &random))
      case 7:
        day += Int.random(in: 0...4, using: &random)
        request = .clock(now: CalendarDate(daysSinceEpoch: day).description + "T09:00")
      case 8:
        request = .settle(
          asOf: CalendarDate(daysSinceEpoch: day - Int.random(in: 0...3, using: &random)).description)
      case 9:
        request = .refund(
          enrollment: pick("E", 1...4), hours: Int64.random(in: 1...4, using: &random),
          ref: pick("RF-", 1...20))
      default:
        request =
          Bool.random(using: &random)
          ? .erase(parent: pick("P", 1...4))
          : .issue(role: "parent", institution: nil, parent: pick("P", 1...4), bank: nil)
      }
      let (sqlite, second) = run(
        request, on: fixture, and: memory, classID: classID, students: students, institution: uscc)
      #expect(sqlite == second, "seed \(seed), step \(step): \(request)")
      outcomes.append(sqlite)
    }
    #expect(outcomes.contains { !$0.isRefused })
    #expect(outcomes.contains { $0.isRefused })
    // The flows went somewhere: applications made and answered, ratings and erasures recorded.
    let kinds = Set(memory.entries.map(\.kind))
    for kind in ["refund-request.created", "rating.added", "parent.erased"] {
      #expect(kinds.contains(kind), "seed \(seed): \(kind)")
    }
    #expect(kinds.contains("refund-request.agreed") || kinds.contains("refund-request.refused"))
    try expectSameLogs(fixture, memory)
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

  /// The registry's writes: the same outcomes, refusals and entries on both stores, the refusals
  /// being each of the rules that need the ledger's state.
  @Test func registryWritesGiveTheSameOutcomesAndEntriesOnBothStores() throws {
    let fixture = try StoreFixture()
    let memory = try copy(of: fixture)
    let ledger = memory.ledger
    let requests = SideBySide()
    let both = requests.both
    func register(_ form: InstitutionForm) {
      var form = form
      form.mode = "escrow"
      let event = InstitutionRegistered(
        uscc: form.uscc, name: form.name, region: form.region, kind: form.kind, category: form.category,
        nonprofit: form.nonprofit, licence: form.licence, licenceExpires: form.licenceExpires,
        escrowBank: form.escrowBank, escrowAccount: form.escrowAccount, mode: "escrow",
        checksumOverrideReason: nil)
      both(
        { try fixture.database.registerInstitution(form, today: fixture.today) },
        { try RegistryOperation.record(.institutionRegistered(event), id: form.uscc, in: ledger) })
    }
    func numbered(_ kind: NumberedRecord, _ sqlite: () throws -> Recorded, _ event: (String) -> Event) {
      both(
        sqlite,
        {
          let id = try ledger.nextID(kind); return try RegistryOperation.record(event(id), id: id, in: ledger)
        })
    }
    func status(_ uscc: String, _ status: InstitutionStatus) {
      both(
        { try fixture.database.changeInstitutionStatus(uscc: uscc, to: status, reason: "检查") },
        {
          try RegistryOperation.record(
            .institutionStatusChanged(InstitutionStatusChanged(uscc: uscc, status: status, reason: "检查")),
            id: uscc, in: ledger)
        })
    }
    func venue(_ institution: String) {
      numbered(
        .venue, { try fixture.database.addVenue(institution: institution, address: "长江西路1号", areaM2: "300") }
      ) {
        .venueAdded(VenueAdded(id: $0, institution: institution, address: "长江西路1号", areaM2: 300))
      }
    }
    func teacher(_ institution: String, _ certificate: String) {
      numbered(
        .teacher,
        {
          try fixture.database.addTeacher(
            institution: institution, name: "王老师", certificate: certificate, inService: false)
        }
      ) {
        .teacherAdded(TeacherAdded(id: $0, institution: institution, name: "王老师", certificate: certificate))
      }
    }
    func course(_ institution: String, subject: String? = nil, category: String? = "体育") {
      var form = CourseForm()
      (form.institution, form.name, form.subject, form.category, form.delivery) = (
        institution, "篮球", subject, category, "offline"
      )
      (form.lessonMinutes, form.hours, form.pricePerHour, form.classSize) = ("60", "60", "100", "10to35")
      numbered(.course, { try fixture.database.addCourse(form) }) {
        .courseAdded(
          CourseAdded(
            id: $0, institution: institution, name: "篮球", subject: subject, category: category,
            delivery: "offline", lessonMinutes: 60, hours: 60, pricePerHourFen: 10_000, classSize: "10to35"))
      }
    }
    func klass(_ institution: String, course: String, venue: String, teacher: String) {
      var form = ClassForm()
      (form.course, form.venue, form.teacher, form.capacity) = (course, venue, teacher, "20")
      (form.starts, form.ends, form.schedule) = ("2026-07-04", "2026-08-30", "Sat 09:00-12:00")
      numbered(.klass, { try fixture.database.addClass(form) }) {
        .classAdded(
          ClassAdded(
            id: $0, course: course, institution: institution, venue: venue, teacher: teacher, capacity: 20,
            starts: "2026-07-04", ends: "2026-08-30", schedule: "Sat 09:00-12:00"))
      }
    }

    let a = fixture.institutionForm()
    register(a)
    var sameLicence = fixture.institutionForm()
    sameLicence.licence = a.licence
    register(sameLicence)
    var sameAccount = fixture.institutionForm()
    sameAccount.escrowAccount = String(a.escrowAccount.prefix(4)) + "-" + a.escrowAccount.dropFirst(4)
    register(sameAccount)
    register(fixture.institutionForm(region: "110105"))
    register(a)
    venue(a.uscc)
    venue("52340104MJ9999999X")
    teacher(a.uscc, "2020340111111")
    teacher(a.uscc, "2020340111111")
    teacher(a.uscc, "2020340222222")
    course(a.uscc)
    course(a.uscc, subject: "数学", category: nil)
    course(a.uscc, category: "科技")
    klass(a.uscc, course: "C1", venue: "V1", teacher: "T1")
    klass(a.uscc, course: "C1", venue: "V1", teacher: "T2")
    klass(a.uscc, course: "C9", venue: "V1", teacher: "T2")
    status(a.uscc, .suspended)
    course(a.uscc)
    status(a.uscc, .reinstated)
    status(a.uscc, .reinstated)
    status(a.uscc, .revoked)
    venue(a.uscc)

    requests.expectSameOutcomes()
    #expect(
      requests.refusals == [
        "licence_already_registered", "escrow_account_already_registered", "region_outside_jurisdiction",
        "institution_exists", "institution_unknown", "certificate_already_registered",
        "subject_course_needs_subject_institution", "category_not_licensed", "class_time_clash",
        "course_unknown",
        "institution_not_active", "status_active_cannot_be_reinstated", "institution_revoked",
      ])
    try expectSameLogs(fixture, memory)
  }

  /// The lesson flow (confirm, dispute, resolve by release or void): the same outcomes, refusals
  /// and entries on both stores.
  @Test func theLessonFlowGivesTheSameOutcomesAndEntriesOnBothStores() throws {
    let fixture = try StoreFixture()
    let (_, classID) = try fixture.openClass(capacity: 5, pricePerHour: "100")
    let students = try (0..<2).map { _ in try fixture.student() }
    for (index, student) in students.enumerated() {
      _ = try fixture.database.pay(
        fixture.paymentForm(
          student: student, classID: classID, hours: "20", amount: "2000", ref: "FLOW-\(index)"),
        now: StoreFixture.now)
    }
    for (enrollment, taught) in [
      ("E1", "2026-03-07T09:00"), ("E1", "2026-03-08T09:00"), ("E2", "2026-03-07T09:00"),
    ] {
      _ = try fixture.database.recordLesson(
        enrollment: enrollment, hours: "2", taughtAt: taught, now: StoreFixture.now)
    }
    let memory = try copy(of: fixture)
    let ledger = memory.ledger
    let requests = SideBySide()
    let both = requests.both
    func confirm(_ lesson: String) {
      both(
        { try fixture.database.confirmLesson(lesson) },
        { try LessonFlowOperation.release(lesson, basis: .confirmed, in: ledger) })
    }
    func dispute(_ lesson: String) {
      both(
        { try fixture.database.disputeLesson(lesson, reason: "没上课") },
        { try LessonFlowOperation.dispute(lesson, reason: "没上课", in: ledger) })
    }
    func resolve(_ lesson: String, release: Bool) {
      both(
        { try fixture.database.resolveLesson(lesson, release: release, reason: "核实") },
        { try LessonFlowOperation.resolve(lesson, release: release, reason: "核实", in: ledger) })
    }
    confirm("L1")
    confirm("L1")
    dispute("L2")
    confirm("L2")
    resolve("L2", release: true)
    dispute("L3")
    resolve("L3", release: false)
    resolve("L3", release: true)
    dispute("L9")
    requests.expectSameOutcomes()
    #expect(
      requests.refusals == [
        "lesson_released_cannot_be_confirmed", "lesson_disputed_cannot_be_confirmed",
        "lesson_voided_cannot_be_resolved", "lesson_unknown",
      ])
    try expectSameLogs(fixture, memory)
  }

  /// Registering parents and students: the same outcomes and entries on both stores (the memory
  /// store opens the same personal-data key, so the commitments agree; the sealed data stays out
  /// of both logs).
  @Test func peopleGiveTheSameOutcomesAndEntriesOnBothStores() throws {
    let fixture = try StoreFixture()
    let memory = try copy(of: fixture)
    let vault = PersonalDataVault.open(at: fixture.path + ".key")
    let requests = SideBySide()
    let today = fixture.today
    func parent(_ idNumber: String) {
      requests.both(
        {
          try fixture.database.registerParent(
            name: "家长", idNumber: idNumber, phone: "13800138000", today: today)
        },
        {
          try PeopleOperation.registerParent(
            name: "家长",
            id: try ResidentID.parse(
              idNumber, field: "id-number", regions: StoreFixture.reference.regions, today: today),
            phone: "13800138000", vault: vault, in: memory.ledger)
        })
    }
    func student(_ parent: String, _ idNumber: String, grade: Int64 = 5) {
      requests.both(
        {
          try fixture.database.addStudent(
            parent: parent, name: "学生", idNumber: idNumber, grade: "\(grade)", today: today)
        },
        {
          try PeopleOperation.addStudent(
            parent: parent, name: "学生",
            id: try ResidentID.parse(
              idNumber, field: "id-number", regions: StoreFixture.reference.regions, today: today),
            grade: grade, today: today, vault: vault, in: memory.ledger)
        })
    }
    let adult = fixture.nextResidentID()
    let child = fixture.nextResidentID(bornIn: 2015)
    parent(adult)
    parent(adult)
    student("P1", child)
    student("P1", child)
    student("P99", fixture.nextResidentID(bornIn: 2015))
    student("P1", adult)
    student("P1", fixture.nextResidentID(bornIn: 2015), grade: 9)
    // Erased on both, the parent's number registers again under its next commitment: the memory
    // store's keeper deleted what it kept, as the SQLite store emptied its rows.
    requests.both(
      { try fixture.database.eraseParent("P1", reason: "家长申请删除", confirmed: true) },
      { try ErasureOperation.erase("P1", reason: "家长申请删除", in: memory.ledger) })
    student("P1", fixture.nextResidentID(bornIn: 2015))
    parent(adult)
    requests.expectSameOutcomes()
    #expect(
      requests.refusals == [
        "person_already_registered", "person_already_registered", "parent_unknown",
        "person_already_registered",
        "grade_implausible_for_age", "parent_erased",
      ])
    #expect(memory.persons.count == 3)
    // The parent and the child erased, the parent registered again.
    let erased = memory.persons.values.filter { $0.sealed == nil }.map(\.maskedID)
    #expect(erased == Array(repeating: ErasureOperation.erasedMark, count: 2))
    try expectSameLogs(fixture, memory)
  }

  /// The regulator's records: actions, measures, findings and their follow-ups, complaints and
  /// their resolutions give the same outcomes and entries on both stores, refusals included.
  @Test func supervisionGivesTheSameOutcomesAndEntriesOnBothStores() throws {
    let fixture = try StoreFixture()
    let (uscc, _) = try fixture.openClass(capacity: 5, pricePerHour: "100")
    let memory = try copy(of: fixture)
    let ledger = memory.ledger
    let regions = StoreFixture.reference.regions
    let today = fixture.today
    let day = today.description
    let requests = SideBySide()
    let both = requests.both
    var action = ActionForm()
    action.date = day
    action.region = "340104"
    action.institutionsChecked = "3"
    let checkedAction = try SupervisionFormReader.action(action)
    both(
      { try fixture.database.recordAction(action, today: today) },
      { try SupervisionOperation.recordAction(checkedAction, in: ledger) })
    var measure = MeasureForm()
    measure.date = day
    measure.region = "340104"
    measure.kind = "hotline"
    let checkedMeasure = try SupervisionFormReader.measure(measure)
    both(
      { try fixture.database.addMeasure(measure, today: today) },
      { try SupervisionOperation.addMeasure(checkedMeasure, in: ledger) })
    func finding(institution: String?, inspection: String? = nil) {
      var form = FindingForm()
      form.date = day
      form.institution = institution
      form.operatorName = institution == nil ? "某培训点" : nil
      form.region = institution == nil ? "340104" : nil
      form.category = "safety-hazard"
      form.actions = "rectify"
      form.deadline = today.adding(days: 10).description
      form.inspection = inspection
      both(
        { try fixture.database.addFinding(form, today: today) },
        {
          try SupervisionOperation.addFinding(
            try AppDatabase.finding(form, today: today, regions: regions, in: ledger), regions: regions,
            name: .options, in: ledger)
        })
    }
    func followUp(_ id: String, to status: String) {
      let note = status == "rectified" ? "已整改" : "复查合格"
      both(
        {
          status == "rectified"
            ? try fixture.database.rectifyFinding(id, date: day, note: note, today: today)
            : try fixture.database.verifyFinding(id, date: day, note: note, today: today)
        },
        {
          try SupervisionOperation.followUp(
            finding: id, note: try AppDatabase.followUpNote(date: day, note: note, today: today), to: status,
            in: ledger)
        })
    }
    func complaint(institution: String?, parent: String? = nil) {
      var form = ComplaintForm()
      form.date = day
      form.channel = "hotline"
      form.institution = institution
      form.operatorName = institution == nil ? "某培训点" : nil
      form.region = institution == nil ? "340104" : nil
      form.parent = parent
      form.summary = "退费难"
      both(
        { try fixture.database.fileComplaint(form, today: today) },
        {
          try SupervisionOperation.fileComplaint(
            try AppDatabase.complaint(form, today: today, regions: regions, in: ledger), resolution: nil,
            name: .options, in: ledger)
        })
    }
    func resolve(_ id: String) {
      both(
        {
          try fixture.database.resolveComplaint(
            id, date: day, outcome: "mediated", note: "已调解", refundsYuan: nil, today: today)
        },
        {
          try SupervisionOperation.resolveComplaint(
            id,
            resolution: try AppDatabase.complaintResolution(
              date: day, outcome: "mediated", note: "已调解", refundsYuan: nil), today: today, in: ledger)
        })
    }
    finding(institution: uscc, inspection: "SA1")
    finding(institution: nil)
    finding(institution: "52340104MJ0000000X")
    finding(institution: uscc, inspection: "SM1")
    followUp("F1", to: "verified")
    followUp("F1", to: "rectified")
    followUp("F1", to: "rectified")
    followUp("F9", to: "rectified")
    complaint(institution: uscc)
    complaint(institution: nil, parent: "P9")
    resolve("K1")
    resolve("K1")
    resolve("K7")
    requests.expectSameOutcomes()
    #expect(
      requests.refusals == [
        "institution_unknown", "inspection_unknown", "finding_open_cannot_be_verified",
        "finding_rectified_cannot_be_rectified", "finding_unknown", "parent_unknown",
        "complaint_already_resolved", "complaint_unknown",
      ])
    try expectSameLogs(fixture, memory)
  }
}

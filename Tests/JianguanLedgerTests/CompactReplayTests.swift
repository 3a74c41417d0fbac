import Foundation
import JianguanCore
import JianguanCrypto
import JianguanLedger
import JianguanTestSupport
import Testing

/// The compact replay (`LedgerState`: ids interned to slots, flat arrays) against the replay it
/// replaced (`ReferenceLedgerState`, dictionaries keyed by `String`), on seeded random ledgers:
/// mostly sound entries, with duplicates, unknown and odd ids (leading zeros, huge numbers,
/// canonically equivalent spellings such as `É1` and `E\u{301}1`), wrong amounts and postings,
/// misplaced contracts and refunds. Every entry must give the same faults, and the end state the
/// same balances, lessons, contracts, counts and account balances.
@Suite struct CompactReplayTests {
  static let institutions = [
    "52340100MA0000001K", "52340100MA00000021", "52340100MA0000001\u{212A}", "91340100MA0000009Y",
  ]
  static let parents = ["P1", "P2", "P3", "P4", "P01", "\u{1E54}1", "P\u{301}1", "P999999999", "P0"]
  static let students = ["S1", "S2", "S3", "S4", "S5", "S01", "\u{015A}1", "S\u{301}1"]
  static let enrollments =
    (1...12).map { "E\($0)" } + ["E01", "E0", "\u{00C9}1", "E\u{301}1", "E999999999", "X1", "E"]
  static let lessons = (1...15).map { "L\($0)" } + ["L01", "\u{0139}1", "L\u{301}1"]
  static let refunds = ["R1", "R2", "R3", "R4", "R5", "R6", "R01"]
  static let requests = ["RA1", "RA2", "RA3", "RA4"]

  struct Generator {
    var random: SeededGenerator
    var bankRef = 0

    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }
    mutating func pick<T>(_ items: [T]) -> T { items.randomElement(using: &random)! }
    mutating func int(_ range: ClosedRange<Int64>) -> Int64 { Int64.random(in: range, using: &random) }

    /// A Tuesday 18:00 of the classes' term (their one slot), or now and then a time that is not.
    mutating func tuesdayLesson() -> String {
      guard chance(85) else { return pick(["t", "2026-03-04T18:00:00+08:00", "2026-07-07T18:00:00+08:00"]) }
      return CalendarDate(
        daysSinceEpoch: CalendarDate(year: 2026, month: 3, day: 3)!.daysSinceEpoch + 7 * Int(int(0...16))
      )
      .description + "T18:00:00+08:00"
    }

    mutating func freshBankRef() -> String {
      bankRef += 1
      return chance(5) && bankRef > 1 ? "PAY\(Int.random(in: 1..<bankRef, using: &random))" : "PAY\(bankRef)"
    }

    /// The registry every ledger starts with.
    func registry() -> [Event] {
      // The policy book in force, so that the payment rules the replays ask run to their end.
      var events: [Event] = [
        .genesis(Genesis(authority: "a", region: "340100", origin: "o")),
        .policy(PolicyLoaded(document: EmbeddedReferenceData.files["policy.json"]!)),
        .calendar(
          CalendarLoaded(try! WorkingDayCalendar.Year(year: 2026, weekdaysOff: [], weekendsWorked: []))),
      ]
      for (index, uscc) in CompactReplayTests.institutions.prefix(2).enumerated() {
        events.append(
          .institutionRegistered(
            InstitutionRegistered(
              uscc: uscc, name: "机构\(index)", region: "340104", kind: "subject", category: nil,
              nonprofit: true,
              licence: "教民\(index)", licenceExpires: "2030-01-01", escrowBank: "银行",
              escrowAccount: "6217\(index)",
              mode: "escrow", checksumOverrideReason: nil)))
        events.append(
          .venueAdded(VenueAdded(id: "V\(index + 1)", institution: uscc, address: "地址", areaM2: 100)))
        events.append(
          .teacherAdded(
            TeacherAdded(id: "T\(index + 1)", institution: uscc, name: "老师", certificate: "c\(index)")))
        events.append(
          .courseAdded(
            CourseAdded(
              id: "C\(index + 1)", institution: uscc, name: "课程\(index)", subject: "math", category: nil,
              delivery: "offline", lessonMinutes: 45, hours: 10, pricePerHourFen: 1000, classSize: nil)))
        events.append(
          .classAdded(
            ClassAdded(
              id: "B\(index + 1)", course: "C\(index + 1)", institution: uscc, venue: "V\(index + 1)",
              teacher: "T\(index + 1)", capacity: index == 0 ? 30 : 1, starts: "2026-03-02",
              ends: "2026-06-30",
              schedule: "Tue 18:00-18:45")))
      }
      return events
    }

    /// The next entry, chosen from what the reference replay holds so far, plus the contract or
    /// refund that must follow it (if the generator keeps to the rules this time).
    mutating func next(_ state: ReferenceLedgerState) -> [Event] {
      let enrollments = state.enrollments.keys.sorted()
      let lessons = state.lessons.keys.sorted()
      switch Int.random(in: 0..<100, using: &random) {
      case 0..<8:
        return [.parentRegistered(ParentRegistered(id: pick(CompactReplayTests.parents), commitment: "c"))]
      case 8..<16:
        return [
          .studentAdded(
            StudentAdded(
              id: pick(CompactReplayTests.students), parent: pick(CompactReplayTests.parents),
              commitment: "c",
              grade: 3))
        ]
      case 16..<40:
        return payment(state)
      case 40..<58:
        guard let enrollment = enrollments.randomElement(using: &random), !chance(5) else {
          return [
            .lessonRecorded(
              LessonRecorded(
                lesson: pick(CompactReplayTests.lessons), enrollment: pick(CompactReplayTests.enrollments),
                hours: 1,
                taughtAt: "t"))
          ]
        }
        // Never more hours than remain: a lesson refused there would stay pending without its
        // hours, and releasing it traps in both replays (EnrollmentBalance's precondition).
        let remaining = state.enrollments[enrollment]!.balance.hoursRemaining
        guard remaining >= 1 else { return [] }
        return [
          .lessonRecorded(
            LessonRecorded(
              lesson: pick(CompactReplayTests.lessons), enrollment: enrollment,
              hours: int(1...min(2, remaining)), taughtAt: tuesdayLesson()))
        ]
      case 58..<72:
        guard let id = lessons.randomElement(using: &random) else { return [] }
        let lesson = state.lessons[id]!
        guard var balance = state.enrollments[lesson.enrollment]?.balance,
          balance.hoursPending >= lesson.hours
        else { return [] }
        var amount = balance.releaseLesson(hours: lesson.hours)
        if chance(10) { amount += 1 }
        let basis: ReleaseBasis =
          lesson.status == "disputed" && !chance(20) ? .resolved : pick([.confirmed, .deemed])
        let institution = state.enrollments[lesson.enrollment]!.institution
        var postings = Posting.transfer(
          amount, from: Posting.escrow(lesson.enrollment), to: Posting.institution(institution))
        if chance(5) {
          postings[1] = Posting(
            account: Posting.institution(pick(CompactReplayTests.institutions)), amountFen: amount)
        }
        return [
          .lessonReleased(
            LessonReleased(
              lesson: chance(5) ? pick(CompactReplayTests.lessons) : id, enrollment: lesson.enrollment,
              basis: basis,
              amountFen: amount, postings: postings))
        ]
      case 72..<76:
        guard let id = lessons.randomElement(using: &random) else { return [] }
        let lesson = state.lessons[id]!
        if chance(50) { return [.lessonDisputed(LessonDisputed(lesson: id, reason: "r"))] }
        guard let balance = state.enrollments[lesson.enrollment]?.balance,
          balance.hoursPending >= lesson.hours
        else { return [] }
        return [.lessonVoided(LessonVoided(lesson: id, reason: "r"))]
      case 76..<84:
        return [refund(state, enrollments: enrollments, request: nil)]
      case 84..<92:
        return request(state, enrollments: enrollments)
      case 92..<95:
        guard let enrollment = enrollments.randomElement(using: &random) else { return [] }
        let institution =
          chance(85) ? state.enrollments[enrollment]!.institution : pick(CompactReplayTests.institutions)
        return [
          .parentFlow(
            .ratingAdded(
              RatingAdded(
                enrollment: enrollment, institution: institution, score: int(0...6), comment: nil,
                on: "2026-04-01")))
        ]
      case 95..<98:
        let uscc = pick(CompactReplayTests.institutions)
        let status: InstitutionStatus = pick([.suspended, .reinstated, .reinstated, .revoked])
        return [.institutionStatusChanged(InstitutionStatusChanged(uscc: uscc, status: status, reason: "r"))]
      default:
        return [.parentFlow(.parentErased(ParentErased(parent: pick(CompactReplayTests.parents))))]
      }
    }

    mutating func payment(_ state: ReferenceLedgerState) -> [Event] {
      let student = pick(CompactReplayTests.students)
      let parent =
        chance(85)
        ? (state.students[student]?.parent ?? pick(CompactReplayTests.parents))
        : pick(CompactReplayTests.parents)
      let klass = chance(90) ? pick(["B1", "B2"]) : "B9"
      let institution =
        chance(90)
        ? (state.classes[klass]?.institution ?? pick(CompactReplayTests.institutions))
        : pick(CompactReplayTests.institutions)
      let enrollment = pick(CompactReplayTests.enrollments)
      let hours = chance(3) ? 0 : int(3...8)
      // Mostly within the listed price (1,000 fen an hour), so that the later rules are reached.
      let amount = chance(80) ? max(1, hours * 1000 - int(0...500)) : int(100...10_000)
      var postings = Posting.transfer(amount, from: Posting.parent(parent), to: Posting.escrow(enrollment))
      if chance(5) {
        postings[0] = Posting(account: Posting.parent(pick(CompactReplayTests.parents)), amountFen: -amount)
      }
      if chance(3) {
        postings = [
          Posting(account: "escrow:\(pick(CompactReplayTests.enrollments))", amountFen: int(-5...5))
        ]
      }
      let payment = Payment(
        enrollment: enrollment, bankRef: freshBankRef(), student: student, parent: parent, classID: klass,
        institution: institution, hours: hours, amountFen: amount, paidAt: "2026-02-10T10:30:00+08:00",
        postings: postings)
      guard chance(85) else { return [.payment(payment)] }
      let region = state.parentFlows.institutionTerms[institution]?.region ?? "340104"
      let policy = try? state.policy(forRegion: region)
      let window = Int64(policy?.confirmationWindowWorkingDays ?? 15)
      let answerDays = Int64(policy?.refundAnswerWorkingDays ?? 5)
      let contract = ContractIssued(
        enrollment: chance(95) ? enrollment : pick(CompactReplayTests.enrollments),
        template: chance(98) ? "GF-2021-2604" : "GF-2014-2604",
        confirmationWindowWorkingDays: chance(95) ? window : window + 1, refundAnswerWorkingDays: answerDays)
      return chance(5)
        ? [.parentFlow(.contractIssued(contract))]
        : [.payment(payment), .parentFlow(.contractIssued(contract))]
    }

    mutating func refund(
      _ state: ReferenceLedgerState, enrollments: [String], request: ReferenceLedgerState.RequestPick?
    ) -> Event {
      let enrollment =
        request?.enrollment ?? (chance(90) ? enrollments.randomElement(using: &random) : nil)
        ?? pick(CompactReplayTests.enrollments)
      let balance = state.enrollments[enrollment]?.balance
      let remaining = balance?.hoursRemaining ?? 1
      let hours = request?.hours ?? (chance(10) ? remaining + 1 : int(1...max(1, remaining)))
      var amount = (try? balance?.refundFen(hours: hours)) ?? int(1...500)
      if chance(5) { amount -= 1 }
      let parent = state.enrollments[enrollment]?.parent ?? pick(CompactReplayTests.parents)
      return .refund(
        Refund(
          refund: pick(CompactReplayTests.refunds), enrollment: enrollment,
          bankRef: request.map { "jianguan:\($0.id)" } ?? "RF\(freshBankRef())", hours: hours,
          amountFen: amount,
          reason: "r", allRemaining: false,
          postings: Posting.transfer(amount, from: Posting.escrow(enrollment), to: Posting.parent(parent)),
          request: request?.id))
    }

    mutating func request(_ state: ReferenceLedgerState, enrollments: [String]) -> [Event] {
      let open = state.parentFlows.requests.keys.sorted()
      if open.isEmpty || chance(40) {
        guard let enrollment = enrollments.randomElement(using: &random) else { return [] }
        let record = state.enrollments[enrollment]!
        let all = chance(30)
        let hours = all ? record.balance.hoursRemaining : int(1...max(1, record.balance.hoursRemaining))
        // An application of no hours would be stored and then trap on its answer in both replays
        // (EnrollmentBalance.unreserve's precondition): the writer never makes one.
        guard hours >= 1 else { return [] }
        return [
          .parentFlow(
            .refundRequestCreated(
              RefundRequestCreated(
                request: pick(CompactReplayTests.requests), enrollment: enrollment, hours: hours,
                allRemaining: all,
                reason: "r", requestedAt: "2026-03-09T10:00:00+08:00",
                answerDue: chance(95) ? "2026-03-16" : "2026-03-01",
                paymentBankRef: chance(90) ? record.bankRef : "PAY-other")))
        ]
      }
      let id = pick(open)
      let request = state.parentFlows.requests[id]!
      switch Int.random(in: 0..<4, using: &random) {
      case 0:
        let basis: RefundRequestBasis = pick([.institution, .deemed, .regulator, .closure])
        let answer = RefundRequestAnswer(
          request: id, basis: basis, reason: "r",
          on: basis == .deemed ? "2026-03-20" : pick(["2026-03-10", "2026-03-30"]))
        guard !chance(10) else { return [.parentFlow(.refundRequestAgreed(answer))] }
        let pick = ReferenceLedgerState.RequestPick(
          id: id, enrollment: request.enrollment, hours: request.hours)
        return [
          .parentFlow(.refundRequestAgreed(answer)), refund(state, enrollments: enrollments, request: pick),
        ]
      case 1:
        return [
          .parentFlow(
            .refundRequestRefused(
              RefundRequestAnswer(
                request: id, basis: pick([.institution, .regulator, .deemed]), reason: "r", on: "2026-03-10"))
          )
        ]
      default:
        return [
          .parentFlow(
            .refundRequestEscalated(RefundRequestEscalated(request: id, reason: "r", on: "2026-03-11")))
        ]
      }
    }
  }

  /// In memory, and spilled to scratch files whose pages are dropped every 50 entries (their
  /// contents must come back from the files).
  @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64], [false, true])
  func theCompactReplayFindsWhatTheDictionaryReplayFound(seed: UInt64, spilled: Bool) {
    var generator = Generator(random: SeededGenerator(seed: 0xC0_4AC7 &+ seed))
    var reference = ReferenceLedgerState()
    let scratch = spilled ? ScratchSpace(directory: "/tmp", budget: 0) : nil
    var compact = LedgerState(scratch: scratch)
    // The audit's replay, which finds a bank reference used twice only at the end.
    var deferred = LedgerState(scratch: scratch, deferringBankRefDuplicates: true)
    var deferredFaults: [AuditFault] = []
    var seq: Int64 = 0
    var faultsSeen = 0
    var rulesSeen: Set<String> = []
    func apply(_ event: Event) {
      seq += 1
      let expected = reference.apply(event, seq: seq)
      let actual = compact.apply(event, seq: seq)
      let isDuplicate = { (fault: AuditFault) in
        fault.message.hasPrefix("bank reference ") && fault.message.hasSuffix(" is used twice")
      }
      #expect(deferred.apply(event, seq: seq) == expected.filter { !isDuplicate($0) }, "seq \(seq)")
      deferredFaults += expected.filter(isDuplicate)
      // Trimmed every 100 entries, whatever the process holds: `trimIfOverBudget` waits until the
      // whole process grows past where the last trim left it, which depends on the tests running
      // beside this one (its policy has tests of its own, below).
      if seq % 100 == 0 { scratch?.trim() }
      faultsSeen += expected.count
      for fault in expected {
        for kind in ["payment", "lesson"] where fault.message.hasPrefix("\(kind) breaks the rule ") {
          rulesSeen.insert(kind + " " + fault.message.dropFirst(kind.count + 17).prefix { $0 != ":" })
        }
      }
      #expect(actual == expected, "seq \(seq): \(event.kind)")
    }
    for event in generator.registry() { apply(event) }
    // The policy entry also times deemed releases and refund answers in the compact replay, which
    // the reference does not do (ReplayTimingTests checks those): the payment rules are compared.
    compact.timing.confirmationWindowWorkingDays = nil
    compact.timing.refundAnswerWorkingDays = nil
    deferred.timing = compact.timing
    for _ in 0..<600 {
      for event in generator.next(reference) { apply(event) }
    }
    #expect(compact.finalFaults() == reference.finalFaults())
    #expect(deferred.resolveDeferredChecks() == deferredFaults)
    #expect(deferredFaults.count > 3, "the ledgers use bank references twice")
    #expect(
      deferred.bankRefs.count == reference.bankRefs.count && deferred.finalFaults() == compact.finalFaults())
    if let scratch { #expect(scratch.trims > 5) }
    #expect(faultsSeen > 20, "the ledgers exercise the faults")
    // The payment and lesson rules both replays ask, reached beyond their first checks (which
    // rules a seed reaches varies; PaymentReplayTests breaks payments' on purpose).
    #expect(rulesSeen.filter { $0.hasPrefix("payment ") }.count >= 4, "\(rulesSeen)")
    #expect(rulesSeen.contains { $0.hasPrefix("lesson lesson_") }, "\(rulesSeen)")

    // The end state the audit compares with the tables.
    #expect(compact.enrollmentCount == reference.enrollments.count)
    #expect(reference.enrollments.count > 5)
    for (id, expected) in reference.enrollments {
      guard let slot = compact.enrollmentSlot(id) else {
        Issue.record("enrollment \(id) is missing")
        continue
      }
      let record = compact.enrollmentRecords[Int(slot)]
      #expect(compact.balance(slot) == expected.balance && record.lastSeq == expected.lastSeq)
      #expect(
        compact.institution(of: record) == expected.institution
          && compact.student(of: record) == expected.student)
      #expect(record.hasContract == reference.parentFlows.contracts.contains(id))
    }
    #expect(compact.lessonCount == reference.lessons.count)
    for (id, expected) in reference.lessons {
      guard let slot = compact.lessonSlot(id) else {
        Issue.record("lesson \(id) is missing")
        continue
      }
      let record = compact.lessonRecords[Int(slot)]
      #expect(
        record.status.name == expected.status && record.hours == expected.hours
          && record.lastSeq == expected.lastSeq)
      #expect(compact.enrollmentIDs.id(record.enrollment) == expected.enrollment)
    }
    #expect(compact.parentCount == reference.parents.count)
    #expect(compact.studentCount == reference.students.count)
    #expect(compact.refundCount == reference.refunds.count)
    #expect(compact.bankRefs.count == reference.bankRefs.count)
    #expect(compact.institutions.count == reference.institutions.count)
    for (uscc, expected) in reference.institutions {
      let actual = compact.institutions[uscc]
      #expect(actual?.status == expected.status && actual?.lastSeq == expected.lastSeq)
    }
    for (account, balance) in reference.accounts {
      #expect(compact.accountBalance(account) == balance, "account \(account)")
    }
    #expect(compact.parentFlows.requests.count == reference.parentFlows.requests.count)
    for (id, expected) in reference.parentFlows.requests {
      let actual = compact.parentFlows.requests[id]
      #expect(
        actual?.status == expected.status && actual?.basis == expected.basis
          && actual?.hours == expected.hours
          && actual?.enrollment == expected.enrollment && actual?.refund == expected.refund
          && actual?.lastSeq == expected.lastSeq)
    }
    #expect(compact.parentFlows.erasedParents == reference.parentFlows.erasedParents)
  }

  @Test func bankReferencesAreSetMembersByStringEquality() {
    var refs = BankRefSet()
    var inserted: [String] = []
    for number in 0..<5_000 {
      let ref = "PAY\(number * 7919 % 10_007)"
      let (new, index) = refs.insert(ref)
      #expect(new == !inserted.contains(ref))
      if new { inserted.append(ref) }
      #expect(refs.string(index) == ref)
    }
    #expect(refs.count == inserted.count)
    #expect(refs.insert("PAY\u{00C9}").inserted)
    // Canonically equivalent: the same member, named as this entry wrote it.
    let (again, index) = refs.insert("PAYE\u{301}")
    #expect(!again && refs.string(index).utf8.elementsEqual("PAYE\u{301}".utf8))
    #expect(refs.count == inserted.count + 1)
    #expect(!refs.insert(inserted[0]).inserted && refs.insert("PAY-new").inserted)
  }

  @Test(arguments: [false, true]) func deferredDuplicatesAreTheUsesTheSetRefused(spilled: Bool) {
    let scratch = spilled ? ScratchSpace(directory: "/tmp", budget: 0) : nil
    var set = BankRefSet()
    var deferred = BankRefSet(scratch: scratch, deferringDuplicates: true)
    var refused: [(Int64, String)] = []
    // Uses of 20,000 references, some more than once, and canonically equivalent spellings.
    var uses = (0..<30_000).map { "PAY\($0 * 7919 % 20_011)" }
    uses += ["PAY\u{00C9}", "PAYE\u{301}", "PAYE\u{301}", "PAY1"]
    for (offset, ref) in uses.enumerated() {
      let seq = Int64(offset) * 2 + 1
      if !set.insert(ref).inserted { refused.append((seq, ref)) }
      let (new, index) = deferred.insert(ref, seq: seq)
      #expect(new && deferred.string(index).utf8.elementsEqual(ref.utf8))
    }
    var found: [(Int64, String)] = []
    deferred.resolveDuplicates { found.append(($0, $1)) }
    #expect(refused.count > 9_000)
    #expect(found.map(\.0) == refused.map(\.0) && found.map(\.1) == refused.map(\.1))
    #expect(found.last.map { $0.1.utf8.elementsEqual("PAY1".utf8) } == true)
    #expect(deferred.count == set.count)
  }

  @Test func aBalanceBeyondInt32IsKeptWhole() {
    var state = LedgerState()
    _ = state.apply(.genesis(Genesis(authority: "a", region: "340100", origin: "o")), seq: 1)
    let hours = Int64(Int32.max) + 10
    let payment = Payment(
      enrollment: "E1", bankRef: "PAY1", student: "S1", parent: "P1", classID: "B1", institution: "X",
      hours: hours,
      amountFen: hours * 2, paidAt: "t",
      postings: Posting.transfer(hours * 2, from: "parent:P1", to: "escrow:E1"))
    _ = state.apply(.payment(payment), seq: 2)
    let lesson = LessonRecorded(lesson: "L1", enrollment: "E1", hours: hours - 1, taughtAt: "t")
    _ = state.apply(.lessonRecorded(lesson), seq: 3)
    let slot = state.enrollmentSlot("E1")!
    let record = state.enrollmentRecords[Int(slot)]
    #expect(state.balance(slot).hoursPaid == hours && state.balance(slot).hoursPending == hours - 1)
    #expect(state.escrowFen(slot) == hours * 2 && state.bankRef(of: record) == "PAY1")
  }

  @Test func aSpilledArrayKeepsItsValuesAcrossGrowthTrimsAndCopies() {
    let scratch = ScratchSpace(directory: "/tmp", budget: 0)
    var array = FlatArray<Int64>(in: scratch)
    // 3M values: 24 MB, past several steps in which the file grows and is mapped again.
    for value in 0..<3_000_000 { array.append(Int64(value) * 3) }
    scratch.trim()
    #expect(array.count == 3_000_000)
    #expect(array[0] == 0 && array[1_234_567] == 3_703_701 && array[2_999_999] == 8_999_997)
    var copy = array
    copy[5] = -1
    #expect(array[5] == 15 && copy[5] == -1)
    scratch.trim()
    let (sum, copySum): (Int64, Int64) = (array.reduce(0, +), copy.reduce(0, +))
    #expect(sum == copySum + 16)
    var inMemory = FlatArray<Int64>()
    inMemory.append(repeating: 7, count: 3)
    #expect(Array(inMemory) == [7, 7, 7])
  }

  @Test func aTrimHandsBackTheLargestArraysFirstAndStopsOnceUnderBudget() throws {
    // 48 MB for the scratch files alone: the 64 MB array puts them over, and handing that one
    // back brings them a quarter under, so the 1 MB one stays mapped.
    let scratch = ScratchSpace(directory: "/tmp", budget: 48 << 20, countsOnlyItsFiles: true)
    var large = FlatArray<Int64>(in: scratch)
    var small = FlatArray<Int64>(in: scratch)
    // Reserved first: growing maps a file again, which hands its pages back on the way.
    large.reserveCapacity(8 << 20)
    small.reserveCapacity(128 << 10)
    for value in 0..<(8 << 20) { large.append(Int64(value)) }
    for value in 0..<(128 << 10) { small.append(Int64(value)) }
    #expect(try #require(large.mappedBytes) >= 60 << 20)
    scratch.trimIfOverBudget()
    #expect(scratch.trims == 1)
    #expect(try #require(large.mappedBytes) < 1 << 20, "the largest array is handed back")
    #expect(
      try #require(small.mappedBytes) >= 1 << 20, "the small one stays mapped: the budget is met without it")
    #expect(large[(8 << 20) - 1] == (8 << 20) - 1 && small[1000] == 1000)
    // With no budget at all, every array is handed back.
    let none = ScratchSpace(directory: "/tmp", budget: 0)
    var array = FlatArray<Int64>(in: none)
    for value in 0..<(128 << 10) { array.append(Int64(value)) }
    none.trim()
    #expect(try #require(array.mappedBytes) == 0 && array[5] == 5)
  }

  /// A spilled array of the values 0, 1, 2, … (`count` of them), its room reserved first: growing
  /// maps a file again, which hands its pages back on the way.
  static func spilled(_ count: Int, in scratch: ScratchSpace, access: ScratchAccess = .mostlyAtTheEnd)
    -> FlatArray<Int64>
  {
    var array = FlatArray<Int64>(in: scratch, access: access)
    array.reserveCapacity(count)
    for value in 0..<count { array.append(Int64(value)) }
    return array
  }

  @Test func aTrimHandsBackTheArraysReadAnywhereLast() throws {
    // 44 MB for the scratch files: a 32 MB array read anywhere and a 16 MB one read at its end.
    // Handing back the smaller one, read at its end, is enough (32 MB is a quarter under 44), so
    // the larger one read anywhere stays mapped.
    let scratch = ScratchSpace(directory: "/tmp", budget: 44 << 20, countsOnlyItsFiles: true)
    let anywhere = CompactReplayTests.spilled(4 << 20, in: scratch, access: .anywhere)
    let atTheEnd = CompactReplayTests.spilled(2 << 20, in: scratch)
    scratch.trimIfOverBudget()
    #expect(scratch.trims == 1)
    #expect(try #require(atTheEnd.mappedBytes) < 1 << 20, "the array read at its end is handed back")
    #expect(try #require(anywhere.mappedBytes) >= 30 << 20, "the array read anywhere stays mapped")
    #expect(anywhere[(4 << 20) - 1] == (4 << 20) - 1 && atTheEnd[12345] == 12345)
  }

  @Test func theArraysReadAnywhereAreHandedBackOnlyPastTwiceTheBudget() throws {
    // 16 MB: the 24 MB array read anywhere stays (under twice the budget); the array read at its
    // end is handed back at each trim.
    let scratch = ScratchSpace(directory: "/tmp", budget: 16 << 20, countsOnlyItsFiles: true)
    let anywhere = CompactReplayTests.spilled(3 << 20, in: scratch, access: .anywhere)
    var atTheEnd = CompactReplayTests.spilled(1 << 17, in: scratch)
    scratch.trimIfOverBudget()
    #expect(scratch.trims == 1 && atTheEnd.mappedBytes == 0)
    #expect(try #require(anywhere.mappedBytes) >= 23 << 20)
    // Over the budget, but not yet by an eighth of it (2 MB) more than the trim left: no trim.
    for value in 0..<(1 << 17) { atTheEnd[value] = Int64(value) + 1 }
    scratch.trimIfOverBudget()
    #expect(scratch.trims == 1, "1 MB more than the trim left")
    atTheEnd.reserveCapacity(3 << 19)
    for value in (1 << 17)..<(3 << 19) { atTheEnd.append(Int64(value)) }
    scratch.trimIfOverBudget()
    #expect(scratch.trims == 2 && atTheEnd.mappedBytes == 0, "11 MB more: trimmed")
    // Past twice the budget, the array read anywhere is handed back too.
    let small = ScratchSpace(directory: "/tmp", budget: 8 << 20, countsOnlyItsFiles: true)
    let random = CompactReplayTests.spilled(3 << 20, in: small, access: .anywhere)
    small.trimIfOverBudget()
    #expect(small.trims == 1 && random.mappedBytes == 0 && random[3 << 19] == 3 << 19)
  }

  @Test func theFirstTrimHandsBackTheProgramsCodePages() throws {
    // This test binary's read-and-execute mapping, from /proc/self/maps.
    let program = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    var range: Range<UInt> = 0..<0
    for line in try String(contentsOfFile: "/proc/self/maps", encoding: .utf8).split(separator: "\n") {
      let fields = line.split(separator: " ", omittingEmptySubsequences: true)
      guard fields.count >= 6, fields[1] == "r-xp", fields[fields.count - 1] == program else { continue }
      let bounds = fields[0].split(separator: "-").compactMap { UInt($0, radix: 16) }
      if bounds.count == 2 { range = bounds[0]..<bounds[1] }
      break
    }
    try #require(range.count >= 16 << 20, "the test binary has 16 MB of code")
    // How many of the first 16 MB's pages are mapped into the process, from /proc/self/pagemap
    // (bit 63 of each page's word: present). It is read in one call right after the trim, so that
    // other tests, running code in parallel, have no time to fault much of it in again.
    let pages = 16 << 20 / 4096
    let pagemap = open("/proc/self/pagemap", O_RDONLY)
    try #require(pagemap >= 0, "/proc/self/pagemap opens")
    defer { close(pagemap) }
    var words = [UInt64](repeating: 0, count: pages)
    func present() -> Int {
      let read = words.withUnsafeMutableBytes {
        pread(pagemap, $0.baseAddress, $0.count, off_t(range.lowerBound / 4096 * 8))
      }
      guard read == pages * 8 else { return -1 }
      return words.reduce(0) { $0 + Int($1 >> 63) }
    }
    // Other tests' audits trim too: the code is read in first, a byte a page.
    let base = try #require(UnsafeRawPointer(bitPattern: range.lowerBound))
    var sum: UInt8 = 0
    for offset in stride(from: 0, to: 16 << 20, by: 4096) {
      sum &+= base.load(fromByteOffset: offset, as: UInt8.self)
    }
    let before = present()
    try #require(before == pages, "the code read in is mapped: \(before) of \(pages) pages (\(sum))")
    let scratch = ScratchSpace(directory: "/tmp", budget: 0)
    var array = FlatArray<Int64>(in: scratch)
    array.append(1)
    scratch.trim()
    let after = present()
    #expect(after >= 0 && after < pages / 4, "code pages mapped: \(before) before the trim, \(after) after")
    #expect(array[0] == 1)
  }

  @Test func zerosAppendedToASpilledArrayReadAsZerosWithoutComingIntoMemory() throws {
    let scratch = ScratchSpace(directory: "/tmp", budget: Int.max)
    var array = FlatArray<Int64>(in: scratch)
    for value in 1...3 { array.append(Int64(value)) }
    var copy = array
    copy.append(repeating: 0, count: 5)
    array.append(repeating: 9, count: 2)
    #expect(Array(copy) == [1, 2, 3, 0, 0, 0, 0, 0] && Array(array) == [1, 2, 3, 9, 9])
    // 64M zeros, 512 MB: appended, they must not pass through the process's memory. (Reserved
    // first, so that no remapping hands the pages back on the way.)
    array.reserveCapacity(5 + 64 << 20)
    let before = try #require(scratch.residentBytes)
    array.append(repeating: 0, count: 64 << 20)
    let after = try #require(scratch.residentBytes)
    #expect(after - before < 256 << 20, "resident memory grew by \(after - before) bytes")
    #expect(array.count == 5 + 64 << 20)
    #expect(array[4] == 9 && array[5] == 0 && array[40_000_000] == 0 && array[array.count - 1] == 0)
    array.append(-1)
    #expect(array[array.count - 1] == -1 && array[array.count - 2] == 0)
  }

  @Test func idsOfTheCanonicalFormAndOthersGetTheirOwnSlots() {
    var table = IDTable(prefix: "E")
    #expect(table.insert("E1") == (0, true))
    #expect(table.insert("E01") == (1, true))
    #expect(table.insert("\u{00C9}1") == (2, true))
    // Canonically equivalent to É1: the same slot, as a `String`-keyed dictionary gave.
    #expect(table.insert("E\u{301}1") == (2, false))
    #expect(table.insert("E999999999") == (3, true))
    #expect(table.insert("E1") == (0, false))
    #expect(table.slot("E2") == nil && table.slot("E999999999") == 3 && table.slot("E01") == 1)
    #expect((0..<4).map { table.id(Int32($0)) } == ["E1", "E01", "\u{00C9}1", "E999999999"])
  }
}

extension ReferenceLedgerState {
  struct RequestPick {
    var id: String
    var enrollment: String
    var hours: Int64
  }
}

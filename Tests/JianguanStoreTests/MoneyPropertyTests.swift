import JianguanCore
import JianguanStore
import JianguanTestSupport
import Testing

/// Random, seeded histories of payments, lessons, confirmations, disputes, deemed releases and
/// refunds: no fen is lost or created, and the balances agree with a model written separately
/// here and with the audit's replay.
@Suite struct MoneyPropertyTests {
  /// The test's own model of an enrollment: amounts computed from the rule, not from the code under test.
  struct Model {
    let amountFen: Int64
    let hours: Int64
    var settledHours: Int64 = 0
    var releasedFen: Int64 = 0
    var refundedFen: Int64 = 0
    var pending: [(id: String, hours: Int64, disputed: Bool)] = []
    /// Lessons recorded so far: the next one takes the next weekend slot of the class.
    var lessonsRecorded = 0
    var pendingHours: Int64 { pending.reduce(0) { $0 + $1.hours } }
    var remaining: Int64 { hours - settledHours - pendingHours }

    mutating func settle(_ settled: Int64) -> Int64 {
      settledHours += settled
      if settledHours == hours { return amountFen - releasedFen - refundedFen }
      return settled * (amountFen / hours)
    }
  }

  @Test(arguments: [7, 2026])
  func randomHistoriesConserveEveryFen(seed: UInt64) throws {
    var generator = SeededGenerator(seed: seed)
    let fixture = try StoreFixture()
    var classes: [String] = []
    for _ in 0..<3 { classes.append(try fixture.openClass(capacity: 1000, pricePerHour: "300").classID) }
    var students: [String] = []
    for _ in 0..<8 { students.append(try fixture.student()) }
    var models: [String: Model] = [:]
    let database = fixture.database
    for step in 0..<700 {
      let enrollments = models.keys.sorted()
      switch Int.random(in: 0..<10, using: &generator) {
      case 0...2:
        let hours = Int64.random(in: 1...60, using: &generator)
        let amount = Int64.random(in: 1...min(500_000, hours * 30_000), using: &generator)
        let form = fixture.paymentForm(
          student: students.randomElement(using: &generator)!,
          classID: classes.randomElement(using: &generator)!,
          hours: String(hours), amount: Money.formatYuan(amount), ref: "P-\(seed)-\(step)")
        // One charge is at most 60 hours however it is split: a payment that would pass it is
        // refused, and the history goes on.
        do {
          models[try fixture.pay(form)] = Model(amountFen: amount, hours: hours)
        } catch let refusal as Rejection
          where ["hours_over_charge_limit", "charge_beyond_months"].contains(refusal.code)
        {
          continue
        }
      case 3...5:
        guard let id = enrollments.randomElement(using: &generator), models[id]!.remaining > 0 else {
          continue
        }
        // The class meets Saturday and Sunday 09:00-12:00: its 20 weekend slots of 7 March to 10 May.
        guard models[id]!.lessonsRecorded < 20 else { continue }
        let hours = Int64.random(in: 1...min(3, models[id]!.remaining), using: &generator)
        let slot = models[id]!.lessonsRecorded
        models[id]!.lessonsRecorded += 1
        let taught = CalendarDate(year: 2026, month: 3, day: 7)!.adding(days: 7 * (slot / 2) + slot % 2)
        let lesson = try database.recordLesson(
          enrollment: id, hours: String(hours), taughtAt: "\(taught)T09:00", now: StoreFixture.now)
        models[id]!.pending.append((lesson.id, hours, false))
      case 6:
        guard let id = enrollments.randomElement(using: &generator),
          let lesson = models[id]!.pending.first(where: { !$0.disputed })
        else { continue }
        if Bool.random(using: &generator) {
          _ = try database.confirmLesson(lesson.id)
          models[id]!.pending.removeAll { $0.id == lesson.id }
          models[id]!.releasedFen += models[id]!.settle(lesson.hours)
        } else {
          _ = try database.disputeLesson(lesson.id, reason: "有异议")
          let index = models[id]!.pending.firstIndex { $0.id == lesson.id }!
          models[id]!.pending[index].disputed = true
        }
      case 7:
        guard let id = enrollments.randomElement(using: &generator),
          let lesson = models[id]!.pending.first(where: { $0.disputed })
        else { continue }
        let release = Bool.random(using: &generator)
        _ = try database.resolveLesson(lesson.id, release: release, reason: "监管裁定")
        models[id]!.pending.removeAll { $0.id == lesson.id }
        if release { models[id]!.releasedFen += models[id]!.settle(lesson.hours) }
      default:
        guard let id = enrollments.randomElement(using: &generator), models[id]!.remaining > 0 else {
          continue
        }
        let all = Bool.random(using: &generator)
        let hours =
          all ? models[id]!.remaining : Int64.random(in: 1...models[id]!.remaining, using: &generator)
        _ = try database.refund(
          enrollment: id, hours: all ? nil : String(hours), reason: "退费", bankRef: "R-\(seed)-\(step)")
        models[id]!.refundedFen += models[id]!.settle(hours)
      }
    }
    // Everything still pending and undisputed is deemed confirmed once the window after its
    // recording (30 June, the fixture's clock) has passed.
    fixture.clock.set("2026-09-01T18:00")
    let deemed = try database.settle(asOf: CalendarDate(year: 2026, month: 9, day: 1)!).released
    for id in models.keys {
      for lesson in models[id]!.pending where !lesson.disputed {
        #expect(deemed.contains { $0.id == lesson.id })
        models[id]!.pending.removeAll { $0.id == lesson.id }
        models[id]!.releasedFen += models[id]!.settle(lesson.hours)
      }
    }
    var paid: Int64 = 0
    for (id, model) in models {
      let balance = try database.balance(.enrollment(id))
      #expect(balance.releasedFen == model.releasedFen, "released of \(id)")
      #expect(balance.refundedFen == model.refundedFen, "refunded of \(id)")
      #expect(balance.paidFen == balance.releasedFen + balance.refundedFen + balance.escrowFen)
      #expect(balance.hoursRemaining == model.remaining)
      paid += model.amountFen
    }
    let total = try database.balance(.all)
    #expect(total.paidFen == paid)
    #expect(total.paidFen == total.releasedFen + total.refundedFen + total.escrowFen)
    let report = try database.audit()
    #expect(report.ok, "\(report.faults.prefix(3))")
    #expect(report.escrowFen == total.escrowFen)
  }
}

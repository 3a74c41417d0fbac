import JianguanCore
import JianguanStore
import JianguanTestSupport
import Testing

@Suite struct ImportTests {
  func records(_ text: String) throws -> [CSVRecordReader.Record] {
    var reader = CSVRecordReader()
    return try reader.feed(Array(text.utf8)) + reader.finish()
  }

  func bureau() throws -> (StoreFixture, String, [String]) {
    let fixture = try StoreFixture()
    let (_, classID) = try fixture.openClass()
    var students: [String] = []
    for _ in 0..<3 { students.append(try fixture.student()) }
    return (fixture, classID, students)
  }

  func paymentsFile(_ classID: String, _ students: [String], rows: Int, hours: Int = 4) -> String {
    "bank_ref,student,class,hours,amount_yuan,paid_at\n"
      + (1...rows).map {
        // 4 hours a row: a student's 14 rows of 40 stay within one charge's 60 hours.
        "BK-\($0),\(students[$0 % students.count]),\(classID),\(hours),\(300 + $0).5,2026-02-20T10:00\n"
      }.joined()
  }

  @Test func aCleanFileImportsAndASecondImportAddsNothing() throws {
    let (fixture, classID, students) = try bureau()
    let file = paymentsFile(classID, students, rows: 40)
    let first = try fixture.database.importFile(
      .payments, records: records(file), skipInvalid: false, errorLimit: 10, now: StoreFixture.now)
    #expect(first.committed && first.added == 40 && first.alreadyThere == 0)
    let size = try fixture.database.size()
    let again = try fixture.database.importFile(
      .payments, records: records(file), skipInvalid: false, errorLimit: 10, now: StoreFixture.now)
    #expect(again.committed && again.added == 0 && again.alreadyThere == 40)
    #expect(try fixture.database.size() == size)
    #expect(
      try fixture.database.balance(.all).paidFen == (1...40).reduce(0) { $0 + Int64(30_050 + $1 * 100) })
    #expect(try fixture.database.audit().ok)
  }

  /// A batch keeps the end of the log (head and Merkle right edge) in memory between appends:
  /// batches of every size, refused rows inside them and single writes between them must leave a
  /// stored tree whose root is the root of the entries, at every size.
  @Test(arguments: TestStore.all) func batchesOfEverySizeKeepTheStoredTreeExact(store: TestStore) throws {
    let fixture = try StoreFixture(store: store)
    let (_, classID) = try fixture.openClass(capacity: 200)
    var students: [String] = []
    for _ in 0..<4 { students.append(try fixture.student()) }
    var next = 0
    for size in [1, 2, 3, 5, 8, 13, 4, 7] {
      var lines = ["bank_ref,student,class,hours,amount_yuan,paid_at"]
      for row in 0..<size {
        next += 1
        let student = row == size / 2 ? "S999999" : students[next % students.count]  // one refused row
        lines.append("TAIL-\(next),\(student),\(classID),2,100,2026-02-20T10:00")
      }
      let summary = try fixture.database.importFile(
        .payments, records: records(lines.joined(separator: "\n") + "\n"), skipInvalid: true, errorLimit: 10,
        now: StoreFixture.now)
      #expect(summary.committed && summary.refused == 1 && summary.added == size - 1)
      var form = fixture.paymentForm(student: students[0], classID: classID, hours: "2", amount: "100")
      form.bankRef = "SINGLE-\(size)"
      _ = try fixture.pay(form)
      let report = try fixture.database.audit()
      #expect(report.ok, "after a batch of \(size): \(report.faults)")
    }
  }

  @Test func aFileCutOffByACrashCompletesOnReimportWithoutDuplicates() throws {
    let (fixture, classID, students) = try bureau()
    let file = paymentsFile(classID, students, rows: 30)
    let cut = String(file.prefix(file.count / 2))  // ends mid-row: the last row is damaged, not lost
    let partial = try fixture.database.importFile(
      .payments, records: records(String(cut[..<cut.lastIndex(of: "\n")!]) + "\n"), skipInvalid: false,
      errorLimit: 10,
      now: StoreFixture.now)
    #expect(partial.committed && partial.added > 0 && partial.added < 30)
    let full = try fixture.database.importFile(
      .payments, records: records(file), skipInvalid: false, errorLimit: 10, now: StoreFixture.now)
    #expect(full.added == 30 - partial.added && full.alreadyThere == partial.added)
    #expect(try fixture.database.balance(.all).enrollments == 30)
  }

  @Test func oneBadRowRefusesTheWholeFileAndEveryBadRowIsReported() throws {
    let (fixture, classID, students) = try bureau()
    let before = try fixture.snapshot()
    var lines = paymentsFile(classID, students, rows: 10).split(separator: "\n").map(String.init)
    lines[3] = "BK-3,\(students[0]),\(classID),10,12.345,2026-02-20T10:00"
    lines[7] = "BK-7,\(students[0]),\(classID),61,100,2026-02-20T10:00"
    lines[9] = "BK-9,S999,\(classID),10,100,2026-02-20T10:00"
    let summary = try fixture.database.importFile(
      .payments, records: records(lines.joined(separator: "\n") + "\n"), skipInvalid: false, errorLimit: 10,
      now: StoreFixture.now)
    #expect(!summary.committed && summary.refused == 3)
    #expect(summary.errors.map(\.line) == [4, 8, 10])
    #expect(summary.errors.map(\.column) == ["amount_yuan", "hours", "student"])
    #expect(summary.errors[0].value == "12.345" && summary.errors[0].message.contains("two decimals"))
    #expect(try fixture.snapshot() == before, "nothing written")
  }

  @Test func skipInvalidImportsTheGoodRowsAndListsTheBadOnes() throws {
    let (fixture, classID, students) = try bureau()
    var lines = paymentsFile(classID, students, rows: 6).split(separator: "\n").map(String.init)
    lines[2] = "BK-2,\(students[0]),\(classID),10,abc,2026-02-20T10:00"
    let summary = try fixture.database.importFile(
      .payments, records: records(lines.joined(separator: "\n") + "\n"), skipInvalid: true, errorLimit: 10,
      now: StoreFixture.now)
    #expect(summary.committed && summary.added == 5 && summary.refused == 1)
    #expect(summary.refusedRecords.map(\.record.line) == [3])
    #expect(try fixture.database.audit().ok)
  }

  @Test func lessonsAndRefundsImportThroughTheSameRules() throws {
    let (fixture, classID, students) = try bureau()
    _ = try fixture.database.importFile(
      .payments, records: records(paymentsFile(classID, students, rows: 2, hours: 10)), skipInvalid: false,
      errorLimit: 10,
      now: StoreFixture.now)
    let lessons = """
      enrollment,hours,taught_at,confirmed
      E1,2,2026-03-07T09:00,yes
      E1,1,2026-03-14T09:00,no
      E2,2,2026-03-07T09:00,yes

      """
    let imported = try fixture.database.importFile(
      .lessons, records: records(lessons), skipInvalid: false, errorLimit: 10, now: StoreFixture.now)
    #expect(imported.committed && imported.added == 3)
    let again = try fixture.database.importFile(
      .lessons, records: records(lessons), skipInvalid: false, errorLimit: 10, now: StoreFixture.now)
    #expect(again.alreadyThere == 3 && again.added == 0, "a lesson is its enrollment and time")
    let refunds = "bank_ref,enrollment,hours,reason\nR-1,E1,all,搬家\nR-2,E2,3,\"时间冲突, 退 3 课时\"\n"
    let refunded = try fixture.database.importFile(
      .refunds, records: records(refunds), skipInvalid: false, errorLimit: 10, now: StoreFixture.now)
    #expect(refunded.committed && refunded.added == 2)
    let e1 = try fixture.database.balance(.enrollment("E1"))
    #expect(e1.hoursRefunded == 7 && e1.hoursPending == 1 && e1.hoursConsumed == 2)
    #expect(try fixture.database.audit().ok)
  }

  @Test func aWrongHeaderIsRefusedBeforeAnyRow() throws {
    let (fixture, _, _) = try bureau()
    #expect(
      rejectionCode {
        _ = try fixture.database.importFile(
          .payments, records: records("ref,student\nX,S1\n"), skipInvalid: false, errorLimit: 10,
          now: StoreFixture.now)
      } == "import_header_wrong")
  }
}

import Foundation
import JianguanTestSupport
import JianguanCrypto
import JianguanLedger
import Testing

/// Refund applications, ratings, contracts and student histories through the built binary.
@Suite(.serialized) struct ParentFlowEndToEndTests {
  /// A bureau with one class B1 of institution 52340104MJ…, parent P1, student S1, and E1 paid
  /// (10 hours, 1000 yuan, BOC-1) with one confirmed lesson L1 of 1 hour.
  /// Written on the evening of 7 March 2026, after that day's lesson (entry times never go back,
  /// so a test moves the clock only forward from there).
  func bureau(_ cli: inout CLI) throws -> String {
    cli.environment["JIANGUAN_NOW"] = "2026-03-07T20:00"
    let uscc = CLI.uscc(20)
    let steps: [[String]] = [
      ["init", "--authority", "合肥市教育局", "--region", "340100"],
      [
        "institution", "register", "--uscc", uscc, "--name", "启明体育", "--region", "340104", "--kind",
        "non-subject", "--category", "体育", "--license", "教民3401047000123号", "--license-expires",
        "2029-12-31", "--escrow-bank", "中国银行", "--escrow-account", "6217000012345678",
      ],
      ["venue", "add", "--institution", uscc, "--address", "蜀山区长江西路1号", "--area-m2", "300"],
      ["teacher", "add", "--institution", uscc, "--name", "王老师", "--certificate", "20203400123"],
      [
        "course", "add", "--institution", uscc, "--name", "篮球", "--category", "体育", "--delivery", "offline",
        "--lesson-minutes", "60", "--hours", "40", "--price-per-hour", "100",
      ],
      [
        "class", "add", "--course", "C1", "--venue", "V1", "--teacher", "T1", "--capacity", "30", "--starts",
        "2026-03-02", "--ends", "2026-05-15", "--schedule", "Sat 09:00-10:00",
      ],
      [
        "parent", "register", "--name", "张三", "--id-number", CLI.residentID(1, year: 1980), "--phone",
        "13800138000",
      ],
      [
        "student", "add", "--parent", "P1", "--name", "张小明", "--id-number", CLI.residentID(2), "--grade", "5",
      ],
      [
        "pay", "--student", "S1", "--class", "B1", "--hours", "10", "--amount", "1000", "--bank-ref", "BOC-1",
        "--at", "2026-02-20T10:00",
      ],
      ["lesson", "record", "--enrollment", "E1", "--hours", "1", "--taught-at", "2026-03-07T09:00"],
      ["lesson", "confirm", "L1"],
    ]
    for step in steps {
      let result = try cli.run(step)
      #expect(result.status == 0, "\(step.prefix(2)): \(result.stderr)")
    }
    return uscc
  }

  func object(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
  }

  @Test(arguments: TestStore.all) func applicationsAnsweredDeemedAgreedEscalatedAndAudited(store: TestStore) throws {
    var cli = try CLI(store: store)
    defer { cli.remove() }
    _ = try bureau(&cli)
    cli.environment["JIANGUAN_NOW"] = "2026-03-09T19:00"
    let created = try cli.run([
      "refund-request", "create", "--enrollment", "E1", "--hours", "3", "--reason", "搬家", "--format", "json",
    ])
    #expect(created.status == 0, "\(created.stderr)")
    let createdObject = try object(created.stdout)
    #expect(createdObject["id"] as? String == "RA1" && createdObject["answerDue"] as? String == "2026-03-16")
    let agreed = try cli.run(["refund-request", "answer", "RA1", "--agree", "--reason", "同意"])
    #expect(agreed.status == 0)
    #expect(agreed.stdout.contains("refund R1 of 300.00 yuan") && agreed.stdout.contains("payment BOC-1"))

    #expect(
      try cli.run(["refund-request", "create", "--enrollment", "E1", "--hours", "2", "--reason", "r"]).status
        == 0)
    #expect(try cli.run(["refund-request", "answer", "RA2", "--refuse", "--reason", "已排课"]).status == 0)
    #expect(try cli.run(["refund-request", "escalate", "RA2", "--reason", "投诉"]).status == 0)
    let decided = try cli.run(["refund-request", "decide", "RA2", "--agree", "--format", "json"])
    #expect(try object(decided.stdout)["refundedFen"] as? Int == 20_000)
    // The institution's refusal is kept beside the regulator's decision.
    let shown = try cli.run(["refund-request", "show", "RA2"])
    #expect(shown.stdout.contains("已排课") && shown.stdout.contains("regulator"), "\(shown.stdout)")

    #expect(
      try cli.run(["refund-request", "create", "--enrollment", "E1", "--all", "--reason", "r"]).status == 0)
    cli.environment["JIANGUAN_NOW"] = "2026-03-17T18:00"
    let settled = try cli.run(["settle", "--as-of", "2026-03-17", "--format", "json"])
    let deemed = try #require(try object(settled.stdout)["refundRequestsDeemedAgreed"] as? [[String: Any]])
    #expect(deemed.count == 1 && deemed.first?["id"] as? String == "RA3")
    #expect(deemed.first?["refundedFen"] as? Int == 40_000)

    let show = try cli.run(["student", "show", "S1", "--format", "json"])
    let enrollments = try #require(try object(show.stdout)["enrollments"] as? [[String: Any]])
    #expect(
      enrollments.first?["hoursTaught"] as? Int == 1 && enrollments.first?["hoursRefunded"] as? Int == 9)
    #expect(!show.stdout.contains("张") && !show.stdout.contains(CLI.residentID(2)))
    let text = try cli.run(["student", "show", "S1"])
    #expect(text.stdout.contains("open refund applications: none") && text.stdout.contains("RA3"))
    let audit = try cli.run(["audit"])
    #expect(audit.status == 0 && audit.stdout.contains("audit ok"))
  }

  @Test(arguments: TestStore.all) func badInputIsOneSentenceNonZeroAndWritesNothing(store: TestStore) throws {
    var cli = try CLI(store: store)
    defer { cli.remove() }
    _ = try bureau(&cli)
    cli.environment["JIANGUAN_NOW"] = "2026-03-09T19:00"
    #expect(try cli.run(["rating", "add", "--enrollment", "E1", "--score", "4"]).status == 0)
    #expect(
      try cli.run(["refund-request", "create", "--enrollment", "E1", "--hours", "2", "--reason", "r"]).status
        == 0)
    #expect(
      try cli.run(["refund-request", "create", "--enrollment", "E1", "--hours", "1", "--reason", "r"]).status
        == 0)
    #expect(try cli.run(["refund-request", "answer", "RA2", "--agree", "--reason", "ok"]).status == 0)
    let cases: [([String], String)] = [
      (["rating", "add", "--enrollment", "E1", "--score", "0"], "score \"0\""),
      (["rating", "add", "--enrollment", "E1", "--score", "6"], "score \"6\""),
      (["rating", "add", "--enrollment", "E1", "--score", "5"], "already rated"),
      (
        ["refund-request", "create", "--enrollment", "E1", "--hours", "7", "--reason", "r"],
        "hours 7 is more than"
      ),
      (["refund-request", "answer", "RA2", "--refuse", "--reason", "r"], "already settled"),
      (["refund-request", "decide", "RA1", "--agree"], "still open"),
      (["refund-request", "answer", "RA9", "--agree", "--reason", "r"], "does not exist"),
      (
        ["refund", "--enrollment", "E1", "--hours", "1", "--reason", "r", "--bank-ref", "jianguan:x"],
        "jianguan:"
      ),
    ]
    let before = cli.databaseDigest()
    for (arguments, words) in cases {
      let result = try cli.run(arguments)
      #expect(result.status == 1, "\(arguments): \(result.stderr)")
      #expect(
        result.stderr.split(separator: "\n").count == 1 && result.stderr.contains(words), "\(result.stderr)")
    }
    cli.environment["JIANGUAN_NOW"] = "2026-03-17T09:00"
    let late = try cli.run(["refund-request", "answer", "RA1", "--refuse", "--reason", "r"])
    #expect(late.status == 1 && late.stderr.contains("had to be answered by 2026-03-16"))
    #expect(cli.databaseDigest() == before, "nothing written")
  }

  @Test(arguments: TestStore.all) func theContractReadsAsTheModelContractAndRatingsAreReported(store: TestStore) throws {
    var cli = try CLI(store: store)
    defer { cli.remove() }
    let uscc = try bureau(&cli)
    let contract = try cli.run(["contract", "show", "E1"])
    #expect(contract.status == 0)
    for words in [
      "GF-2021-2604", "甲方（培训机构）：启明体育", "乙方（学员监护人）：张三", "学员：张**", "课程名称：篮球", "课时：10 课时",
      "收费标准：100.00 元/课时", "资金监管方式", "银行托管", "退费规则", "5 个工作日", "原支付流水号 BOC-1",
    ] {
      #expect(contract.stdout.contains(words), "contract has \(words)")
    }
    #expect(!contract.stdout.contains(CLI.residentID(2)) && !contract.stdout.contains("张小明"))
    let json = try object(try cli.run(["contract", "show", "E1", "--format", "json"]).stdout)
    #expect(json["template"] as? String == "GF-2021-2604" && json["amountFen"] as? Int == 100_000)
    #expect((json["studentMaskedID"] as? String)?.contains("**********") == true)

    cli.environment["JIANGUAN_NOW"] = "2026-03-09T19:00"
    #expect(
      try cli.run(["rating", "add", "--enrollment", "E1", "--score", "4", "--comment", "教练认真"]).status == 0)
    let report = try cli.run(["report", "ratings", "--institution", uscc])
    #expect(report.stdout.contains("4.0 (4/1)") && report.stdout.contains("教练认真"))
    let reportJSON = try object(
      try cli.run(["report", "ratings", "--institution", uscc, "--format", "json"]).stdout)
    #expect(
      reportJSON["distribution"] as? [Int] == [0, 0, 0, 1, 0] && reportJSON["average"] as? String == "4.0")
  }
}

import Foundation
import JianguanTestSupport
import Testing

/// The README's "A tour", command by command as it writes them, with the clock moved forward as
/// its dates require: each must exit 0, and the ledger must pass `audit` at the end. Each command
/// (or the README text it stands for) must still be in the README, so that neither can change
/// without the other.
@Suite(.serialized) struct ReadmeTourEndToEndTests {
  /// One command of the tour: `command` as the README writes it (placeholders included), run with
  /// them filled in; `readme` is the README's text when it is not the command itself (a choice
  /// such as `(--hours 5 | --all)`, or an optional part in brackets). `stdout` names a file that
  /// receives the output (the README's `> file`).
  struct Step {
    let command: String
    var readme: String? = nil
    var stdout: String? = nil
  }

  static let uscc = "52340104MJ4300001F"

  /// The tour, grouped by the clock each group runs at (China time).
  static let tour: [(now: String, steps: [Step])] = [
    (
      "2026-02-20T10:00",
      [
        Step(command: "init --authority 合肥市教育局 --region 340100"),
        Step(
          command: """
            institution register --uscc 52340104MJ4300001F --name 合肥市蜀山区启明体育培训中心 \
            --region 340104 --kind non-subject --category 体育 --license 教民3401047000123号 \
            --license-expires 2029-12-31 --escrow-bank 中国银行 --escrow-account 6217000012345678
            """),
        Step(command: "institution show USCC"),
        Step(command: "venue add --institution USCC --address TEXT --area-m2 300"),
        Step(command: "teacher add --institution USCC --name 王老师 --certificate 20203400123"),
        Step(
          command: """
            course add --institution USCC --name 篮球 --category 体育 --delivery offline \
            --lesson-minutes 60 --hours 40 --price-per-hour 100
            """),
        Step(
          command: """
            class add --course C1 --venue V1 --teacher T1 --capacity 30 \
            --starts 2026-03-02 --ends 2026-05-15 --schedule "Sat 09:00-11:00,Sun 15:00-17:00"
            """),
        Step(command: "parent register --name 张三 --id-number 11010519491231002X --phone 13800138000"),
        Step(command: "student add --parent P1 --name 张小明 --id-number 110105201503150013 --grade 5"),
        Step(command: "parent show P1"),
        Step(
          command:
            "pay --student S1 --class B1 --hours 30 --amount 2999.99 --bank-ref BOC-1 --at 2026-02-20T10:00",
          readme:
            "pay --student S1 --class B1 --hours 30 --amount 2999.99 --bank-ref BOC-1 [--at 2026-02-20T10:00]"
        ),
      ]
    ),
    (
      "2026-03-08T18:00",
      [
        Step(command: "lesson record --enrollment E1 --hours 2 --taught-at 2026-03-07T09:00"),
        Step(command: "lesson record --class B1 --hours 1 --taught-at 2026-03-08T15:00"),
        Step(command: "lesson confirm L1"),
        Step(command: "lesson dispute L2 --reason TEXT", readme: "lesson dispute L1 --reason TEXT"),
        Step(command: "lesson resolve L2 --release", readme: "lesson resolve L1 --release|--void"),
        Step(command: "settle", readme: "settle [--as-of 2026-04-30]"),
        Step(command: "calendar list"),
        Step(command: "policy show", readme: "policy show | list"),
        Step(
          command: "refund --enrollment E1 --hours 5 --reason TEXT --bank-ref BOC-R1",
          readme: "refund --enrollment E1 (--hours 5 | --all) --reason TEXT --bank-ref BOC-R1"),
        Step(
          command: "balance --institution USCC",
          readme: "balance (--institution USCC | --enrollment E1 | --region 340100 | --all) [--format json]"),
        Step(command: "class show B1"),
        Step(command: "enrollment show E1"),
        Step(command: "lesson show L1"),
        Step(command: "refund show R1"),
        Step(command: "contract show E1"),
      ]
    ),
    (
      "2026-03-09T10:00",
      [
        Step(
          command: "refund-request create --enrollment E1 --hours 5 --reason TEXT",
          readme: "refund-request create --enrollment E1 (--hours 5 | --all) --reason TEXT"),
        Step(
          command: "refund-request answer RA1 --refuse --reason TEXT",
          readme: "refund-request answer RA1 --agree|--refuse --reason TEXT"),
        Step(command: "refund-request escalate RA1 --reason TEXT"),
        Step(
          command: "refund-request decide RA1 --agree",
          readme: "refund-request decide RA1 --agree|--refuse [--reason TEXT]"),
        Step(command: "refund-request show RA1"),
        Step(
          command: "rating add --enrollment E1 --score 4", readme: "rating add --enrollment E1 --score 1..5"),
        Step(command: "report ratings --institution USCC"),
        Step(command: "student show S1"),
      ]
    ),
    (
      "2026-03-15T18:00",
      [
        Step(command: "import payments payments.csv"),
        Step(command: "import supervision Data/supervision/2023-01-12.json"),
        Step(command: "report bulletin --date 2023-01-12 --issue 8 --serial 346"),
        Step(command: "report coverage", readme: "report coverage [--region CODE]"),
        Step(command: "report risk", readme: "report risk [--as-of DATE]"),
        Step(command: "ledger list", readme: "ledger list [--from SEQ] [--limit N]"),
        Step(command: "ledger export"),
        Step(command: "key generate --name jianguan.340100.example/ledger --out bureau.key"),
        Step(command: "checkpoint sign --key bureau.key", stdout: "checkpoint.txt"),
        Step(command: "checkpoint list"),
        Step(command: "proof inclusion 30", readme: "proof inclusion SEQ [--size N]"),
        Step(command: "receipt export --enrollment E1 --key bureau.key", stdout: "receipt.json"),
        Step(command: "receipt verify receipt.json --pub bureau.key.pub"),
        Step(command: "plaque issue USCC --key bureau.key", stdout: "plaque.txt"),
        Step(command: "plaque issue USCC --key bureau.key --out plaque.html"),
        Step(command: "plaque verify plaque.txt --pub bureau.key.pub"),
        Step(command: "audit --checkpoint checkpoint.txt --pub bureau.key.pub"),
      ]
    ),
    (
      "2026-04-30T18:00",
      [
        Step(command: "settle --as-of 2026-04-30", readme: "settle [--as-of 2026-04-30]"),
        Step(command: "backup --to copy.sqlite"),
        Step(
          command: "restore --from copy.sqlite --replace", readme: "restore --from copy.sqlite [--replace]"),
        Step(command: "parent erase P1 --reason TEXT --yes-erase"),
        Step(command: "audit", readme: "audit [--format json]"),
      ]
    ),
  ]

  /// The README's text with its line continuations joined and its spaces collapsed.
  static func flattened(_ text: String) -> String {
    text.replacingOccurrences(of: "\\\n", with: " ").split(whereSeparator: { $0 == " " || $0 == "\n" })
      .joined(separator: " ")
  }

  /// Splits a command line into arguments as a shell would for these commands: on spaces, with
  /// double quotes keeping a value together.
  static func arguments(_ command: String) -> [String] {
    var arguments: [String] = []
    var current = ""
    var quoted = false
    var started = false
    for character in command {
      if character == "\"" {
        quoted.toggle()
        started = true
      } else if (character == " " || character == "\n" || character == "\\") && !quoted {
        if started { arguments.append(current) }
        current = ""
        started = false
      } else {
        current.append(character)
        started = true
      }
    }
    if started { arguments.append(current) }
    return arguments
  }

  /// The command with the README's placeholders filled in: the USCC, a free text, and the
  /// repository's `Data/` (the tour runs in another folder).
  static func filled(_ command: String) -> String {
    command.replacingOccurrences(of: "USCC", with: uscc).replacingOccurrences(of: "TEXT", with: "示例")
      .replacingOccurrences(of: "Data/", with: CLI.packageRoot.appendingPathComponent("Data").path + "/")
  }

  @Test(arguments: TestStore.all)
  func theTourRunsAsTheReadmeWritesIt(store: TestStore) throws {
    let readme = Self.flattened(
      try String(contentsOf: CLI.packageRoot.appendingPathComponent("README.md"), encoding: .utf8))
    var cli = try CLI(store: store)
    defer { cli.remove() }
    // The tour's database is the README's default: ./jianguan.sqlite in the folder it runs in (on
    // PostgreSQL, the bureau's URL in JIANGUAN_DB).
    if store == .sqlite { cli.environment.removeValue(forKey: "JIANGUAN_DB") }
    try Data(
      "bank_ref,student,class,hours,amount_yuan,paid_at\nBOC-2,S1,B1,4,400.00,2026-03-10T09:00\n".utf8
    ).write(to: cli.folder.appendingPathComponent("payments.csv"))
    for (now, steps) in Self.tour {
      cli.environment["JIANGUAN_NOW"] = now
      for step in steps {
        let written = Self.flattened(step.readme ?? step.command)
        #expect(readme.contains("jianguan " + written), "the README no longer has `jianguan \(written)`")
        let filled = Self.filled(step.command)
        let result = try cli.run(Self.arguments(filled))
        // `backup` and `restore` concern a SQLite file as such: on a URL they refuse, saying so.
        if store == .postgres, ["backup", "restore"].contains(Self.arguments(filled)[0]) {
          #expect(
            result.status == 1 && result.stderr.contains("works on a SQLite file only"), "\(result.stderr)")
          continue
        }
        #expect(result.status == 0, "at \(now): jianguan \(filled)\n\(result.stderr)")
        if let file = step.stdout {
          try Data(result.stdout.utf8).write(to: cli.folder.appendingPathComponent(file))
        }
      }
    }
    let audit = try cli.run(["audit", "--format", "json"])
    #expect(audit.status == 0 && audit.stdout.contains("\"ok\":true"), "\(audit.stdout)\(audit.stderr)")
    let institution = try cli.run(["--format", "json", "balance", "--all"])
    #expect(
      institution.status == 0 && institution.stdout.contains("\"paidFen\":339999"), "\(institution.stdout)")
  }
}

import Foundation
import JianguanTestSupport
import Testing

/// What a new user walking the README tour ran into: refusals that named the wrong file or gave
/// advice that could not help, and sentences that did not read.
@Suite(.serialized) struct TourFindingsEndToEndTests {
  /// The README tour's registry and payment (its first group of commands), at its clock.
  func tourBureau(_ cli: inout CLI) throws {
    let (now, steps) = ReadmeTourEndToEndTests.tour[0]
    cli.environment["JIANGUAN_NOW"] = now
    for step in steps {
      let command = ReadmeTourEndToEndTests.filled(step.command)
      let result = try cli.run(ReadmeTourEndToEndTests.arguments(command))
      #expect(result.status == 0, "\(command): \(result.stderr)")
    }
  }

  @Test(arguments: TestStore.all)
  func aSessionRefusedByARuleOfTheClassDoesNotSuggestMarkingAStudentAbsent(store: TestStore) throws {
    var cli = try CLI(store: store)
    defer { cli.remove() }
    try tourBureau(&cli)
    cli.environment["JIANGUAN_NOW"] = "2026-03-08T18:00"
    let before = cli.databaseDigest()
    // 16:00 is inside the Sunday slot but not its start: no student's absence would change that.
    let offSlot = try cli.run([
      "lesson", "record", "--class", "B1", "--hours", "1", "--taught-at", "2026-03-08T16:00",
    ])
    #expect(offSlot.status == 1)
    #expect(offSlot.stderr.contains("class B1: taught-at"), "\(offSlot.stderr)")
    #expect(
      !offSlot.stderr.contains("--absent") && !offSlot.stderr.contains("student S1"), "\(offSlot.stderr)")
    #expect(cli.databaseDigest() == before)
    // A refusal about one student's enrollment still names the student and the way round it.
    #expect(
      try cli.run([
        "lesson", "record", "--enrollment", "E1", "--hours", "2", "--taught-at", "2026-03-07T09:00",
      ])
      .status == 0)
    let other = cli.databaseDigest()
    let clash = try cli.run([
      "lesson", "record", "--class", "B1", "--hours", "1", "--taught-at", "2026-03-07T09:00",
    ])
    #expect(clash.status == 1)
    #expect(
      clash.stderr.contains("enrollment E1 of student S1") && clash.stderr.contains("--absent"),
      "\(clash.stderr)")
    #expect(cli.databaseDigest() == other)
  }

  @Test(arguments: TestStore.all)
  func aPublicKeyGivenForThePrivateOneOrTheReverseIsNamed(store: TestStore) throws {
    let cli = try CLI(store: store)
    defer { cli.remove() }
    #expect(try cli.run(["init", "--authority", "合肥市教育局", "--region", "340100"]).status == 0)
    #expect(
      try cli.run(["key", "generate", "--name", "jianguan.340100.example/ledger", "--out", "bureau.key"])
        .status == 0)
    let before = cli.databaseDigest()
    let publicAsPrivate = try cli.run(["checkpoint", "sign", "--key", "bureau.key.pub"])
    #expect(publicAsPrivate.status == 1)
    #expect(
      publicAsPrivate.stderr.contains("key \"bureau.key.pub\" is not a private key"),
      "\(publicAsPrivate.stderr)")
    #expect(cli.databaseDigest() == before)
    let signed = try cli.run(["checkpoint", "sign", "--key", "bureau.key"])
    #expect(signed.status == 0)
    try Data(signed.stdout.utf8).write(to: cli.folder.appendingPathComponent("checkpoint.txt"))
    let privateAsPublic = try cli.run(["audit", "--checkpoint", "checkpoint.txt", "--pub", "bureau.key"])
    #expect(privateAsPublic.status == 1)
    #expect(
      privateAsPublic.stderr.contains("pub \"bureau.key\" is a private key"), "\(privateAsPublic.stderr)")
  }

  @Test(arguments: TestStore.all)
  func aBadPolicyOrCalendarFileIsNamedAsGiven(store: TestStore) throws {
    let cli = try CLI(store: store)
    defer { cli.remove() }
    #expect(try cli.run(["init", "--authority", "合肥市教育局", "--region", "340100"]).status == 0)
    try Data("{".utf8).write(to: cli.folder.appendingPathComponent("stricter.json"))
    try Data("date,kind,name\n2027-01-01,holiday,元旦\n".utf8).write(
      to: cli.folder.appendingPathComponent("2027.csv"))
    let before = cli.databaseDigest()
    let policy = try cli.run(["policy", "import", "stricter.json"])
    #expect(policy.status == 1)
    #expect(
      policy.stderr.contains("stricter.json") && !policy.stderr.contains("policy.json"), "\(policy.stderr)")
    let calendar = try cli.run(["calendar", "import", "2027.csv"])
    #expect(calendar.status == 1)
    #expect(
      calendar.stderr.contains("2027.csv") && !calendar.stderr.contains("calendar.csv"), "\(calendar.stderr)")
    #expect(cli.databaseDigest() == before)
  }

  @Test(arguments: TestStore.all)
  func anEmptyListAndAWrongImportHeaderReadAsSentences(store: TestStore) throws {
    let cli = try CLI(store: store)
    defer { cli.remove() }
    #expect(try cli.run(["init", "--authority", "合肥市教育局", "--region", "340100"]).status == 0)
    let empty = try cli.run(["refund-request", "list", "--status", "open"])
    #expect(empty.status == 0 && empty.stdout.contains("no refund requests match"), "\(empty.stdout)")
    try Data("x\n".utf8).write(to: cli.folder.appendingPathComponent("institutions.csv"))
    let header = try cli.run(["import", "registry", "institutions", "institutions.csv"])
    #expect(header.status == 1)
    #expect(header.stderr.contains("; institutions files start with uscc,name,"), "\(header.stderr)")
  }
}

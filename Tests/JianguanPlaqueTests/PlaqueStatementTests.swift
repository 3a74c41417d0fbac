import JianguanCore
import JianguanCrypto
import JianguanLedger
import JianguanTestSupport
import Testing

@Suite("Plaque statement: format, signature and every refusal")
struct PlaqueStatementTests {
  let signer = PlaqueFixtures.signer

  @Test func formatsTheElevenLinesInOrder() throws {
    let text = try PlaqueFixtures.statement().format()
    #expect(
      text == """
        jianguan plaque v1
        origin jianguan.110000.example/ledger
        name 北京市朝阳区启明艺术培训学校
        uscc \(PlaqueFixtures.uscc(1))
        licence 教民1101057000001号
        bank 中国工商银行北京朝阳支行
        account 0200-0012-3456-7890
        status active
        date 2026-06-30
        size 1234
        root q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=

        """)
  }

  @Test func roundTripsThroughTextAndSignature() throws {
    for status in PlaqueStatement.Status.allCases {
      let statement = try PlaqueFixtures.statement(status: status)
      #expect(try PlaqueStatement.parse(statement.format()) == statement)
      let plaque = try statement.signed(by: signer)
      #expect(plaque.note.hasPrefix(statement.format() + "\n— jianguan.110000.example/ledger "))
      #expect(try SignedPlaque.open(plaque.note, verifier: signer.verifier) == plaque)
    }
  }

  @Test func aChangedFieldOrAnotherKeyIsRefused() throws {
    let note = try PlaqueFixtures.statement(status: .suspended).signed(by: signer).note
    let changed = note.replacingOccurrences(of: "status suspended", with: "status active")
    #expect(changed != note)
    #expect(
      PlaqueFixtures.refusal { _ = try SignedPlaque.open(changed, verifier: signer.verifier) }
        == "note_signature_invalid")
    // Another key with the log's name: its key hash differs, so no signature is by a known key.
    let other = try NoteSigner.generate(name: signer.name)
    let forged = try PlaqueFixtures.statement().signed(by: other).note
    #expect(
      PlaqueFixtures.refusal { _ = try SignedPlaque.open(forged, verifier: signer.verifier) }
        == "note_no_known_signature")
    #expect(try SignedPlaque.open(forged, verifier: other.verifier).statement.status == .active)
  }

  @Test func signedNotesAreExact() throws {
    let note = try PlaqueFixtures.statement().signed(by: signer).note
    let variants = [
      note.replacingOccurrences(of: "\n", with: "\r\n"),
      note.replacingOccurrences(of: "status active\n", with: "status active \n"),
      note.replacingOccurrences(of: "name 北京", with: "name  北京"),
      note + "\n",
      String(note.dropLast()),
      note + " ",
    ]
    for variant in variants {
      #expect(
        PlaqueFixtures.refusal { _ = try SignedPlaque.open(variant, verifier: signer.verifier) } != nil,
        "\(variant)")
    }
    #expect(
      PlaqueFixtures.refusal { _ = try SignedPlaque.open(note + "\n", verifier: signer.verifier) }
        == "plaque_extra_newline")
  }

  /// Changes that break one field's rule (or the layout) of the fixture statement: the text
  /// replaced, its replacement and the refusal's code.
  static func brokenFields() throws -> [(String, String, String)] {
    let uscc = PlaqueFixtures.uscc(1)
    let wrongCheck = String(uscc.dropLast()) + (uscc.last == "0" ? "1" : "0")
    return [
      ("jianguan plaque v1\n", "jianguan plaque v2\n", "plaque_format_unknown"),
      ("uscc \(uscc)", "uscc \(wrongCheck)", "uscc_bad_check_character"),
      ("uscc \(uscc)", "uscc \(uscc) checksum-override", "plaque_uscc_override_not_needed"),
      ("licence 教民1101057000001号", "licence 教民1101057000001", "plaque_licence_not_canonical"),
      ("status active", "status revoked-ish", "plaque_status_unknown"),
      ("date 2026-06-30", "date 2026-02-30", "date_day_out_of_range"),
      ("size 1234", "size 01234", "plaque_size_invalid"),
      ("size 1234", "size 0", "plaque_size_invalid"),
      ("q6s=\n", "q6t=\n", "plaque_root_invalid"),
      ("account 0200", "account X200", "escrow_account_malformed"),
      ("origin jianguan", "origin jian guan", "plaque_origin_invalid"),
      ("name 北京", "name  北京", "name_has_surrounding_blanks"),
      ("bank 中国", "bnk 中国", "plaque_line_label"),
      ("size 1234\n", "", "plaque_line_count"),
      ("date 2026-06-30\n", "date 2026-06-30\nextra x\n", "plaque_line_count"),
    ]
  }

  /// A text signed by the right key is still refused when a field breaks its rule: the signature
  /// vouches for who wrote it, the parse for what it can mean.
  @Test func everyFieldIsCheckedEvenUnderAValidSignature() throws {
    let text = try PlaqueFixtures.statement().format()
    let cases = try Self.brokenFields()
    for (old, new, code) in cases {
      let changed = text.replacingOccurrences(of: old, with: new)
      #expect(changed != text, "\(old)")
      let note = try SignedNote.sign(text: changed, signers: [signer])
      #expect(
        PlaqueFixtures.refusal { _ = try SignedPlaque.open(note, verifier: signer.verifier) } == code,
        "\(new)")
    }
  }

  @Test func aBadCheckCharacterPassesOnlyWithTheOverrideMark() throws {
    let first17 = "52110105MJ0000001"
    let good = USCC.checkCharacter(forFirst17: first17)!
    let bad = first17 + String(good == "0" ? "1" : "0")
    let statement = try PlaqueStatement(
      origin: "o", name: "某培训学校", uscc: bad, usccChecksumOverride: true, licence: "教民1101057000001号",
      escrowBank: "某银行", escrowAccount: "12345678", status: .active,
      date: CalendarDate(year: 2026, month: 1, day: 1)!, treeSize: 1, rootHash: Array(repeating: 0, count: 32)
    )
    #expect(statement.format().contains("uscc \(bad) checksum-override\n"))
    #expect(try PlaqueStatement.parse(statement.format()) == statement)
  }

  /// The longest name and bank the registry accepts (100 characters each, here 4-byte ones), under
  /// a 200-character origin and key name, still fit in a QR code at level M.
  @Test func theLongestFieldsFitInAQRCode() throws {
    let longest = String(repeating: "𠀀", count: 100)
    let origin = String(repeating: "o", count: 200)
    let statement = try PlaqueFixtures.statement(name: longest, bank: longest, origin: origin)
    let longSigner = try NoteSigner.generate(name: origin)
    let plaque = try statement.signed(by: longSigner)
    #expect(plaque.note.utf8.count > 1_500 && plaque.note.utf8.count <= PlaqueStatement.maxQRBytes)
    #expect(
      PlaqueFixtures.refusal { _ = try PlaqueFixtures.statement(name: longest + "x") } == "name_too_long")
    // A key name no registry limits can still overflow the code: refused, not truncated.
    let hugeSigner = try NoteSigner.generate(name: String(repeating: "𠀀", count: 300))
    #expect(PlaqueFixtures.refusal { _ = try statement.signed(by: hugeSigner) } == "plaque_too_large_for_qr")
  }

  /// Property: random statements round-trip, and flipping any one byte of the signed note is refused.
  @Test func randomStatementsRoundTripAndEveryByteMatters() throws {
    var random = SeededGenerator(seed: 18)
    let alphabet = Array("培训学校艺术体育科技北京朝阳 ABCxyz·（）&<>\"'")
    for round in 0..<40 {
      func text(_ count: Int) -> String {
        var characters = (0..<count).map { _ in alphabet.randomElement(using: &random)! }
        if characters.first == " " { characters[0] = "学" }
        if characters.last == " " { characters[characters.count - 1] = "校" }
        return String(characters)
      }
      let statement = try PlaqueStatement(
        origin: "jianguan.\(round).example/ledger", name: text(Int.random(in: 1...100, using: &random)),
        uscc: PlaqueFixtures.uscc(round), licence: "教民\(1_101_057_000_000 + round)号",
        escrowBank: text(Int.random(in: 1...100, using: &random)), escrowAccount: String(10_000_000 + round),
        status: PlaqueStatement.Status.allCases.randomElement(using: &random)!,
        date: CalendarDate(daysSinceEpoch: Int.random(in: 18_000...25_000, using: &random)),
        treeSize: Int64.random(in: 1...Int64.max, using: &random),
        rootHash: (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) })
      #expect(try PlaqueStatement.parse(statement.format()) == statement)
      let note = Array(try statement.signed(by: signer).note.utf8)
      let index = Int.random(in: 0..<note.count, using: &random)
      var flipped = note
      flipped[index] ^= UInt8(1 << Int.random(in: 0..<8, using: &random))
      let changed = String(decoding: flipped, as: UTF8.self)
      #expect(
        PlaqueFixtures.refusal { _ = try SignedPlaque.open(changed, verifier: signer.verifier) } != nil,
        "byte \(index) of round \(round)")
    }
  }
}

import JianguanCrypto
import JianguanLedger
import Testing

/// Key texts, with the fixed keys of golang.org/x/mod/sumdb/note's note_test.go as known answers.
@Suite("Note keys: verifier and private key texts")
struct NoteKeyTests {
  static let peterPrivate = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
  static let peterVerifier = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
  static let enochVerifier = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"

  @Test func goVectorsParseAndAgree() throws {
    let signer = try NoteSigner(privateKeyText: Self.peterPrivate)
    let verifier = try NoteVerifier(verifierKeyText: Self.peterVerifier)
    #expect(signer.name == "PeterNeumann")
    #expect(signer.keyHash == 0xc74f_20a3)
    #expect(verifier.keyHash == 0xc74f_20a3)
    #expect(signer.verifier == verifier)
    #expect(signer.verifier.verifierKeyText == Self.peterVerifier)
    #expect(signer.privateKeyText == Self.peterPrivate)
    #expect(verifier.keyID == "PeterNeumann+c74f20a3")
    let enoch = try NoteVerifier(verifierKeyText: Self.enochVerifier)
    #expect(enoch.name == "EnochRoot" && enoch.keyHash == 0xaf0c_fe78)
    #expect(!"\(signer)".contains("AYEKFALV"), "a signer's description must not show its key")
  }

  /// The key hash by hand: SHA-256("PeterNeumann" ‖ 0x0A ‖ 0x01 ‖ public key)[0..<4].
  @Test func keyHashIsTheFirstFourBytesOfTheSpecifiedDigest() throws {
    let verifier = try NoteVerifier(verifierKeyText: Self.peterVerifier)
    let digest = SHA256.hash(Array("PeterNeumann\n".utf8) + [0x01] + verifier.publicKey.rawRepresentation)
    #expect(Hex.encode(Array(digest.prefix(4))) == "c74f20a3")
  }

  /// As note_test.go: every proper substring and every single-byte change of a key is refused.
  @Test func everyManglingOfAKeyIsRefused() {
    for (text, parse) in [
      (Self.peterVerifier, { (text: String) in _ = try NoteVerifier(verifierKeyText: text) }),
      (Self.peterPrivate, { (text: String) in _ = try NoteSigner(privateKeyText: text) }),
    ] {
      let bytes = Array(text.utf8)
      for start in 0...bytes.count {
        for end in (start + 1)..<(bytes.count + 1) where !(start == 0 && end == bytes.count) {
          let mangled = String(decoding: bytes[start..<end], as: UTF8.self)
          #expect(
            MerkleFixtures.error(NoteError.self) { try parse(mangled) } != nil, "\(mangled) was accepted")
        }
      }
      for position in bytes.indices {
        var changed = bytes
        changed[position] &+= 1
        let mangled = String(decoding: changed, as: UTF8.self)
        #expect(MerkleFixtures.error(Error.self) { try parse(mangled) } != nil, "\(mangled) was accepted")
      }
    }
  }

  @Test func specificRefusalsSayWhy() {
    let cases: [(NoteError.Code, String)] = [
      // Wrong key length with an adjusted key hash, and an unknown algorithm (note_test.go).
      (.keyTextMalformed, "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=="),
      (.keyAlgorithmUnsupported, "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"),
      (.keyHashMismatch, "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"),
      (.keyTextMalformed, "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"),
      (.keyTextMalformed, "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW "),
      (.keyTextMalformed, "PeterNeumann+c74f20a3"),
      (.keyNameInvalid, "+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"),
      (.keyNameInvalid, "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"),
      // A combining mark after "+" must not hide the separator (Swift would see one Character).
      (.keyTextMalformed, "PeterNeumann+\u{301}c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"),
    ]
    for (code, text) in cases {
      let error = MerkleFixtures.error(NoteError.self) { _ = try NoteVerifier(verifierKeyText: text) }
      #expect(error?.code == code, "\(text): \(String(describing: error))")
    }
    #expect(
      MerkleFixtures.error(NoteError.self) { _ = try NoteSigner(privateKeyText: Self.peterVerifier) }?.code
        == .keyTextMalformed)
  }

  @Test func generatedKeysRoundTripThroughText() throws {
    let signer = try NoteSigner.generate(name: "jianguan.example/450224")
    let again = try NoteSigner(privateKeyText: signer.privateKeyText)
    #expect(again.verifier == signer.verifier)
    #expect(try NoteVerifier(verifierKeyText: signer.verifier.verifierKeyText) == signer.verifier)
    #expect(signer.verifier.verifierKeyText.hasPrefix("jianguan.example/450224+"))
  }

  @Test func keyNamesMustBeNonEmptyWithoutSpacesOrPlus() {
    for name in ["", "a b", "a+b", "a\tb", "a\nb", "a\u{00A0}b", "a\u{3000}b", "a\u{1}b"] {
      let error = MerkleFixtures.error(NoteError.self) { _ = try NoteSigner.generate(name: name) }
      #expect(error?.code == .keyNameInvalid, "\(name.debugDescription) was accepted")
    }
    #expect((try? NoteSigner.generate(name: "监管/鹿寨县")) != nil, "non-ASCII names are allowed")
  }
}

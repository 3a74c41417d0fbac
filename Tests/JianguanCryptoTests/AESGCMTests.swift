import JianguanCrypto
import Testing

/// Test cases 13–16 of McGrew and Viega, "The Galois/Counter Mode of Operation (GCM)" — the
/// 256-bit-key cases of the NIST GCM validation examples.
@Suite("AES-256-GCM")
struct AESGCMTests {
  struct Vector: Sendable, CustomTestStringConvertible {
    let name: String
    let key: String
    let nonce: String
    let plaintext: String
    let aad: String
    let ciphertext: String
    let tag: String
    var testDescription: String { name }
  }

  static let key16 = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308"
  static let plaintext15 =
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
    + "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255"
  static let ciphertext15 =
    "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
    + "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad"

  static let vectors: [Vector] = [
    Vector(
      name: "test case 13 (empty)", key: String(repeating: "0", count: 64),
      nonce: String(repeating: "0", count: 24),
      plaintext: "", aad: "", ciphertext: "", tag: "530f8afbc74536b9a963b4f1c4cb738b"),
    Vector(
      name: "test case 14", key: String(repeating: "0", count: 64), nonce: String(repeating: "0", count: 24),
      plaintext: String(repeating: "0", count: 32), aad: "", ciphertext: "cea7403d4d606b6e074ec5d3baf39d18",
      tag: "d0d1c8a799996bf0265b98b5d48ab919"),
    Vector(
      name: "test case 15", key: key16, nonce: "cafebabefacedbaddecaf888", plaintext: plaintext15, aad: "",
      ciphertext: ciphertext15, tag: "b094dac5d93471bdec1a502270e3cc6c"),
    Vector(
      name: "test case 16 (with associated data)", key: key16, nonce: "cafebabefacedbaddecaf888",
      plaintext: String(plaintext15.dropLast(8)), aad: "feedfacedeadbeeffeedfacedeadbeefabaddad2",
      ciphertext: String(ciphertext15.dropLast(8)), tag: "76fc6ece0f4e1768cddf8853bb2d551b"),
  ]

  @Test(arguments: vectors)
  func sealsAndOpensKnownAnswers(_ vector: Vector) throws {
    let key = CryptoTestData.bytes(vector.key)
    let nonce = CryptoTestData.bytes(vector.nonce)
    let aad = CryptoTestData.bytes(vector.aad)
    let sealed = try AESGCM.seal(CryptoTestData.bytes(vector.plaintext), key: key, nonce: nonce, aad: aad)
    #expect(Hex.encode(sealed.ciphertext) == vector.ciphertext)
    #expect(Hex.encode(sealed.tag) == vector.tag)
    let opened = try AESGCM.open(sealed.ciphertext, tag: sealed.tag, key: key, nonce: nonce, aad: aad)
    #expect(Hex.encode(opened) == vector.plaintext)
  }

  @Test func refusesEveryTampering() throws {
    let vector = Self.vectors[3]
    let key = CryptoTestData.bytes(vector.key)
    let nonce = CryptoTestData.bytes(vector.nonce)
    let aad = CryptoTestData.bytes(vector.aad)
    let ciphertext = CryptoTestData.bytes(vector.ciphertext)
    let tag = CryptoTestData.bytes(vector.tag)

    func expectRefused(
      _ ciphertext: [UInt8], _ tag: [UInt8], _ key: [UInt8], _ nonce: [UInt8], _ aad: [UInt8]
    ) {
      do {
        _ = try AESGCM.open(ciphertext, tag: tag, key: key, nonce: nonce, aad: aad)
        Issue.record("a tampered message was opened")
      } catch let error as CryptoError {
        #expect(error.code == .authenticationFailed)
        #expect(error.message.contains("authentication failed"))
      } catch {
        Issue.record("unexpected error \(error)")
      }
    }
    var badTag = tag
    badTag[0] ^= 0x80
    expectRefused(ciphertext, badTag, key, nonce, aad)
    var badCiphertext = ciphertext
    badCiphertext[10] ^= 0x01
    expectRefused(badCiphertext, tag, key, nonce, aad)
    expectRefused(ciphertext, tag, key, nonce, aad + [0])
    expectRefused(ciphertext, tag, key, nonce, [])
    var badKey = key
    badKey[31] ^= 0x01
    expectRefused(ciphertext, tag, badKey, nonce, aad)
    var badNonce = nonce
    badNonce[0] ^= 0x01
    expectRefused(ciphertext, tag, key, badNonce, aad)
  }

  @Test func refusesWrongLengths() {
    let key = [UInt8](repeating: 7, count: 32)
    let nonce = [UInt8](repeating: 1, count: 12)
    #expect(throws: CryptoError(.keyWrongLength, "an AES-256-GCM key is 32 bytes, not 16")) {
      try AESGCM.seal([1], key: Array(key.prefix(16)), nonce: nonce)
    }
    #expect(throws: CryptoError(.nonceWrongLength, "an AES-GCM nonce is 12 bytes here, not 16")) {
      try AESGCM.seal([1], key: key, nonce: nonce + [0, 0, 0, 0])
    }
    #expect(throws: CryptoError(.tagWrongLength, "an AES-GCM tag is 16 bytes here, not 12")) {
      try AESGCM.open([1], tag: [UInt8](repeating: 0, count: 12), key: key, nonce: nonce)
    }
  }

  @Test func roundTripsRandomMessages() throws {
    for length in [0, 1, 15, 16, 17, 1000] {
      let key = SecureRandom.bytes(32)
      let nonce = SecureRandom.bytes(12)
      let plaintext = SecureRandom.bytes(length)
      let sealed = try AESGCM.seal(plaintext, key: key, nonce: nonce, aad: Array("parent 42".utf8))
      #expect(sealed.ciphertext.count == length)
      let opened = try AESGCM.open(
        sealed.ciphertext, tag: sealed.tag, key: key, nonce: nonce, aad: Array("parent 42".utf8))
      #expect(opened == plaintext)
    }
  }
}

import JianguanCrypto
import Testing

@Suite("SHA-256 (FIPS 180-4 examples)")
struct SHA256Tests {
  @Test func knownAnswers() {
    #expect(
      Hex.encode(SHA256.hash([UInt8]())) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )
    #expect(
      Hex.encode(SHA256.hash(Array("abc".utf8)))
        == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    let twoBlocks = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
    #expect(
      Hex.encode(SHA256.hash(twoBlocks)) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    )
  }

  @Test func hasherIsReusableAndMatchesOneShot() {
    var hasher = SHA256.Hasher()
    hasher.update(Array("ab".utf8))
    hasher.update(byte: UInt8(ascii: "c"))
    #expect(hasher.finalize() == SHA256.hash(Array("abc".utf8)))
    hasher.update(Array("abc".utf8))
    #expect(hasher.finalize() == SHA256.hash(parts: [Array("a".utf8), Array("bc".utf8)]))
  }
}

import JianguanCrypto
import Testing

/// FIPS 180-2 test vector "abc": the store's ledger hashes depend on this being right.
@Test func sha256OfAbcMatchesFIPSVector() {
  let digest = SHA256.hash(Array("abc".utf8))
  #expect(Hex.encode(digest) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
}

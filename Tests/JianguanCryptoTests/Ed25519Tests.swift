import Foundation
import JianguanCrypto
import Testing

@Suite("Ed25519 (RFC 8032 §7.1)")
struct Ed25519Tests {
  struct Vectors: Decodable {
    struct Positive: Decodable {
      let name: String
      let secret_key: String
      let public_key: String
      let message: String
      let signature: String
    }
    struct Negative: Decodable {
      let name: String
      let public_key: String
      let message: String
      let signature: String
      let expect_valid: Bool
    }
    let vectors: [Positive]
    let negative: [Negative]
  }

  static func load() throws -> Vectors {
    let data = try Data(contentsOf: CryptoTestData.url("ed25519_vectors.json"))
    return try JSONDecoder().decode(Vectors.self, from: data)
  }

  @Test func everyRFC8032VectorSignsAndVerifies() throws {
    let vectors = try Self.load().vectors
    #expect(vectors.count == 4)
    for vector in vectors {
      let key = try Ed25519PrivateKey(seed: CryptoTestData.bytes(vector.secret_key))
      let message = CryptoTestData.bytes(vector.message)
      #expect(Hex.encode(key.publicKey.rawRepresentation) == vector.public_key, "\(vector.name)")
      #expect(Hex.encode(key.signature(for: message)) == vector.signature, "\(vector.name)")
      let publicKey = try Ed25519PublicKey(rawRepresentation: CryptoTestData.bytes(vector.public_key))
      #expect(publicKey == key.publicKey)
      #expect(
        publicKey.isValidSignature(CryptoTestData.bytes(vector.signature), for: message), "\(vector.name)")
      #expect(key.seed == CryptoTestData.bytes(vector.secret_key))
    }
  }

  @Test func everyNegativeCaseIsRefused() throws {
    let negatives = try Self.load().negative
    #expect(negatives.count == 8)
    for negative in negatives {
      #expect(!negative.expect_valid)
      let publicKey = try Ed25519PublicKey(rawRepresentation: CryptoTestData.bytes(negative.public_key))
      let valid = publicKey.isValidSignature(
        CryptoTestData.bytes(negative.signature), for: CryptoTestData.bytes(negative.message))
      #expect(!valid, "\(negative.name) was accepted")
    }
  }

  @Test func generatedKeysRoundTrip() throws {
    let key = Ed25519PrivateKey.generate()
    let message = Array("第一笔缴费".utf8)
    let signature = key.signature(for: message)
    #expect(signature.count == 64)
    #expect(signature == key.signature(for: message), "Ed25519 signatures are deterministic")
    #expect(key.publicKey.isValidSignature(signature, for: message))
    #expect(!Ed25519PrivateKey.generate().publicKey.isValidSignature(signature, for: message))
    let again = try Ed25519PrivateKey(seed: key.seed)
    #expect(again.publicKey == key.publicKey)
    #expect(!"\(key)".contains(Hex.encode(key.seed)), "description must not show the seed")
  }

  @Test func refusesWrongLengths() throws {
    #expect(throws: CryptoError.self) { try Ed25519PrivateKey(seed: [UInt8](repeating: 1, count: 31)) }
    #expect(throws: CryptoError.self) { try Ed25519PrivateKey(seed: [UInt8](repeating: 1, count: 33)) }
    #expect(throws: CryptoError.self) { try Ed25519PublicKey(rawRepresentation: []) }
    do {
      _ = try Ed25519PublicKey(rawRepresentation: [UInt8](repeating: 1, count: 64))
      Issue.record("a 64-byte public key was accepted")
    } catch let error as CryptoError {
      #expect(error.code == .keyWrongLength)
      #expect(error.message.contains("32 bytes, not 64"))
    }
    let key = Ed25519PrivateKey.generate()
    let signature = key.signature(for: [1, 2, 3])
    #expect(!key.publicKey.isValidSignature(signature + [0], for: [1, 2, 3]))
    #expect(!key.publicKey.isValidSignature([], for: [1, 2, 3]))
  }
}

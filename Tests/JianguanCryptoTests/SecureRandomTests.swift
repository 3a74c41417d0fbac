import JianguanCrypto
import Testing

@Suite("SecureRandom")
struct SecureRandomTests {
  @Test func givesTheRequestedCount() {
    #expect(SecureRandom.bytes(0).isEmpty)
    #expect(SecureRandom.bytes(1).count == 1)
    #expect(SecureRandom.bytes(1000).count == 1000)
  }

  @Test func differsBetweenCalls() {
    // 2^-256 chance of a false failure.
    #expect(SecureRandom.bytes(32) != SecureRandom.bytes(32))
  }
}

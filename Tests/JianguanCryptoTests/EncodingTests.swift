import Foundation
import JianguanCrypto
import Testing

@Suite("Hex, canonical base64 and constant-time comparison")
struct EncodingTests {
  @Test func hexRoundTripsAndRefusesNonCanonical() {
    #expect(Hex.encode([]) == "")
    #expect(Hex.encode([0x00, 0x0f, 0xa0, 0xff]) == "000fa0ff")
    #expect(Hex.decode("000fa0ff") == [0x00, 0x0f, 0xa0, 0xff])
    #expect(Hex.decode("") == [])
    for bad in ["0", "0g", "0A", "FF", " 00", "00 ", "0x00", "+1", "é0"] {
      #expect(Hex.decode(bad) == nil, "\(bad) was accepted")
    }
  }

  @Test func base64MatchesRFC4648Vectors() {
    // RFC 4648 §10.
    let vectors = [
      "": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==", "fooba": "Zm9vYmE=",
      "foobar": "Zm9vYmFy",
    ]
    for (plain, encoded) in vectors {
      #expect(CanonicalBase64.encode(Array(plain.utf8)) == encoded)
      #expect(CanonicalBase64.decode(encoded) == Array(plain.utf8))
    }
  }

  @Test func base64AgreesWithFoundationOnRandomBytes() {
    for length in 0..<70 {
      let bytes = SecureRandom.bytes(length)
      let encoded = CanonicalBase64.encode(bytes)
      #expect(encoded == Data(bytes).base64EncodedString())
      #expect(CanonicalBase64.decode(encoded) == bytes)
    }
  }

  @Test func base64RefusesNonCanonicalText() {
    // "Zh==" has stray bits after "f"; the rest lack padding, hold whitespace or URL-safe letters.
    for bad in [
      "Zh==", "Zm9=", "Zg", "Zg=", "Zg===", "Z===", "Zm9v\n", " Zm9v", "Zm 9v", "Zm-v", "Zm_v", "Z=g=",
      "=Zg=", "Zm9vYg=a",
    ] {
      #expect(CanonicalBase64.decode(bad) == nil, "\(bad) was accepted")
    }
  }

  @Test func constantTimeEquals() {
    #expect(ConstantTime.equals([], []))
    #expect(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
    #expect(!ConstantTime.equals([1, 2, 3], [1, 2, 4]))
    #expect(!ConstantTime.equals([1, 2, 3], [1, 2]))
  }
}

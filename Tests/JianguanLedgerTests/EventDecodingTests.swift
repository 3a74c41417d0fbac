import JianguanCore
import JianguanLedger
import Testing

/// A malformed payload is refused with one sentence naming the member (Tools/fuzz found a raw
/// `DecodingError` escaping `Event(kind:payload:)` for a posting without its account).
@Suite struct EventDecodingTests {
  static let payment = #"""
    {"amountFen":288000,"bankRef":"DEMO-PAY-1","class":"B1","enrollment":"E1","hours":24,"institution":"52210802MJ43079193","paidAt":"2026-02-10T10:30:00+08:00","parent":"P1","postings":[{"account":"parent:P1","amountFen":-288000},{"amountFen":288000}],"student":"S1"}
    """#

  @Test func aMissingMemberIsNamed() throws {
    let payload = try CanonicalJSONParser.parse(Array(Self.payment.utf8))
    do {
      _ = try Event(kind: "payment", payload: payload)
      Issue.record("a posting without its account was accepted")
    } catch let error as Entry.FormatError {
      #expect(error.reason == "payload member postings[1].account is missing")
    }
  }

  @Test func aWrongTypeIsNamed() throws {
    let payload = try CanonicalJSONParser.parse(Array(#"{"parent":7}"#.utf8))
    do {
      _ = try Event(kind: "parent.erased", payload: payload)
      Issue.record("an integer parent id was accepted")
    } catch let error as Entry.FormatError {
      #expect(error.reason.hasPrefix("payload member parent is malformed: expected a string"))
    }
  }
}

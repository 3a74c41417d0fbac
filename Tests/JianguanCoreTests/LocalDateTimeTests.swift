import Foundation
import JianguanTestSupport
import Testing

@testable import JianguanCore

@Suite struct LocalDateTimeTests {
  @Test(arguments: [
    ("2023-01-05T18:30", "2023-01-05T18:30:00+08:00"),
    ("2023-01-05T18:30:15", "2023-01-05T18:30:15+08:00"),
    ("2023-01-05 18:30", "2023-01-05T18:30:00+08:00"),
    ("2023-01-05 18:30:15", "2023-01-05T18:30:15+08:00"),
    ("2023-01-05T18:30+08:00", "2023-01-05T18:30:00+08:00"),
    ("2023-01-05T18:30:15+08:00", "2023-01-05T18:30:15+08:00"),
    ("2023-01-05T10:30:15Z", "2023-01-05T18:30:15+08:00"),
    ("2023-01-05T20:00Z", "2023-01-06T04:00:00+08:00"),
    ("2023-12-31T23:59:59Z", "2024-01-01T07:59:59+08:00"),
    ("2023-01-05", "2023-01-05T00:00:00+08:00"),
    ("2024-02-29T00:00:00", "2024-02-29T00:00:00+08:00"),
  ])
  func parsesAcceptedForms(text: String, canonical: String) throws {
    let moment = try LocalDateTime.parse(text, field: "time")
    #expect(moment.description == canonical)
    #expect(try LocalDateTime.parse(canonical, field: "time") == moment)
  }

  @Test(arguments: [
    ("2023-01-05T18:30+09:00", "datetime_offset_not_china"),
    ("2023-01-05T18:30-05:00", "datetime_offset_not_china"),
    ("2023-01-05T24:00", "datetime_time_out_of_range"), ("2023-01-05T18:60", "datetime_time_out_of_range"),
    ("2023-01-05T18:30:60", "datetime_time_out_of_range"), ("2023-01-05T1:30", "datetime_not_iso_form"),
    ("2023-01-05T18", "datetime_not_iso_form"), ("2023-01-05Z", "datetime_not_iso_form"),
    ("2023-01-05X18:30", "datetime_not_iso_form"), ("2023-1-5 18:30", "datetime_not_iso_form"),
    ("", "datetime_not_iso_form"), ("2023-02-30T10:00", "date_day_out_of_range"),
    ("2023-01-05T18:30:00.5", "datetime_not_iso_form"), ("9999-12-31T20:00Z", "datetime_out_of_range"),
    ("2023-01-05T18:30:00+08:00 trailing", "datetime_not_iso_form"),
  ])
  func refusesMalformed(text: String, code: String) {
    #expect(TestSupport.rejectionCode { _ = try LocalDateTime.parse(text, field: "time") } == code)
  }

  @Test func unixSecondsKnownValues() throws {
    #expect(LocalDateTime(unixSeconds: 0).description == "1970-01-01T08:00:00+08:00")
    #expect(LocalDateTime.utcTimestamp(unixSeconds: 0) == "1970-01-01T00:00:00Z")
    #expect(LocalDateTime.utcTimestamp(unixSeconds: 1_700_000_000) == "2023-11-14T22:13:20Z")
    #expect(LocalDateTime(unixSeconds: 1_700_000_000).description == "2023-11-15T06:13:20+08:00")
    #expect(LocalDateTime.utcTimestamp(unixSeconds: -1) == "1969-12-31T23:59:59Z")
    let moment = try LocalDateTime.parse("2023-11-15T06:13:20+08:00", field: "t")
    #expect(moment.unixSeconds == 1_700_000_000)
    #expect(moment.date.description == "2023-11-15")
    #expect(moment.hour == 6 && moment.minute == 13 && moment.second == 20)
  }

  @Test func extremesDoNotTrap() {
    #expect(LocalDateTime(unixSeconds: Int64.max).unixSeconds == Int64.max)
    #expect(LocalDateTime(unixSeconds: Int64.min).unixSeconds == Int64.min)
    #expect(LocalDateTime.utcTimestamp(unixSeconds: Int64.min).hasSuffix("Z"))
  }

  @Test func randomUnixRoundTrip() throws {
    var generator = SeededGenerator(seed: 86_400)
    for _ in 0..<10_000 {
      let seconds = Int64.random(in: -2_208_988_800...4_102_444_800, using: &generator)  // 1900…2100
      let moment = LocalDateTime(unixSeconds: seconds)
      #expect(moment.unixSeconds == seconds)
      #expect(try LocalDateTime.parse(moment.description, field: "t") == moment)
      #expect(try LocalDateTime.parse(LocalDateTime.utcTimestamp(unixSeconds: seconds), field: "t") == moment)
    }
  }

  @Test func ordersAndCodes() throws {
    let earlier = try LocalDateTime.parse("2023-01-05T18:30", field: "t")
    let later = try LocalDateTime.parse("2023-01-05T18:30:01", field: "t")
    #expect(earlier < later)
    #expect(!(later < earlier))
    let json = try JSONEncoder().encode([earlier])
    #expect(String(decoding: json, as: UTF8.self) == "[\"2023-01-05T18:30:00+08:00\"]")
    #expect(try JSONDecoder().decode([LocalDateTime].self, from: json) == [earlier])
  }
}

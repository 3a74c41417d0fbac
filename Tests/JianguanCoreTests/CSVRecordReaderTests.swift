import CSV
import JianguanTestSupport
import Testing

@testable import JianguanCore

@Suite struct CSVRecordReaderTests {
  func read(_ text: String, chunk: Int = 7) throws -> [CSVRecordReader.Record] {
    var reader = CSVRecordReader()
    var records: [CSVRecordReader.Record] = []
    let bytes = Array(text.utf8)
    var index = 0
    while index < bytes.count {
      records += try reader.feed(bytes[index..<min(index + chunk, bytes.count)])
      index += chunk
    }
    return records + (try reader.finish())
  }

  @Test func readsQuotedFieldsCRLFAndMultiLineFieldsWithTheirLines() throws {
    let records = try read("a,b\r\n\"x, \"\"quoted\"\"\",2\r\n\"multi\nline\",3\n,\n4,五")
    #expect(
      records.map(\.fields) == [
        ["a", "b"], ["x, \"quoted\"", "2"], ["multi\nline", "3"], ["", ""], ["4", "五"],
      ])
    #expect(records.map(\.line) == [1, 2, 3, 5, 6])
  }

  @Test(arguments: [
    ("a,b\n1,x\"y\n", "a quote inside unquoted field 2"),
    ("a,b\n1,\"open\n", "not closed before the end of the file"),
    ("a,b\n1,\"x\"y\n", "text after the closing quote of field 2"),
    ("a,b\n1,2\r3\n", "carriage return not followed by a line feed"),
  ])
  func refusesMalformedFilesNamingTheLine(text: String, reason: String) {
    do {
      _ = try read(text)
      Issue.record("accepted \(text.debugDescription)")
    } catch let rejection as Rejection {
      #expect(
        rejection.message.hasPrefix("line 2: ") && rejection.message.contains(reason), "\(rejection.message)")
    } catch { Issue.record("\(error)") }
  }

  @Test func refusesInvalidUTF8AndOversizedFields() {
    var reader = CSVRecordReader()
    #expect(throws: Rejection.self) { _ = try reader.feed([0x61, 0xFF, 0x0A]) }
    var big = CSVRecordReader()
    #expect(throws: Rejection.self) {
      _ = try big.feed(Array(String(repeating: "x", count: CSVRecordReader.maxFieldBytes + 1).utf8))
    }
  }

  /// On well-formed files, the strict reader agrees with the CSV.swift package field for field.
  @Test(arguments: [1, 2, 3, 4, 5])
  func agreesWithTheCSVSwiftPackageOnWellFormedFiles(seed: UInt64) throws {
    var generator = SeededGenerator(seed: seed)
    let alphabet = Array("ab,\"\n 监管😀\r1.5-")
    var rows: [[String]] = []
    for _ in 0..<200 {
      rows.append(
        (0..<3).map { _ in
          String(
            (0..<Int.random(in: 0..<6, using: &generator)).map { _ in
              alphabet.randomElement(using: &generator)!
            }
          )
          .replacingOccurrences(of: "\r", with: "")
        })
    }
    let text =
      rows.map { row in
        row.map { field in
          field.contains(where: { ",\"\n".contains($0) })
            ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }.joined(separator: ",")
      }.joined(separator: "\n") + "\n"
    let ours = try read(text, chunk: Int.random(in: 1...64, using: &generator)).map(\.fields)
    let reference = try CSVReader(string: text)
    var theirs: [[String]] = []
    while let row = reference.next() { theirs.append(row) }
    #expect(ours == rows)
    #expect(ours == theirs)
  }
}

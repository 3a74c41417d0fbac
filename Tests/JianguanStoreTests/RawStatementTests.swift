import Foundation
import GRDB
import Testing

@testable import JianguanStore

/// The import's hot path binds and reads through SQLite's C API: it must store and return what
/// GRDB would, and fail as GRDB fails.
@Suite struct RawStatementTests {
  func database() throws -> DatabaseQueue {
    let queue = try DatabaseQueue()
    try queue.write { db in
      try db.execute(sql: "CREATE TABLE t(id INTEGER PRIMARY KEY, s TEXT, b BLOB, n INTEGER)")
    }
    return queue
  }

  @Test func valuesRoundTripAsGRDBReadsThem() throws {
    let queue = try database()
    let texts = ["", "E1", "新东方", "a\u{0}b", "😀", String(repeating: "长", count: 5_000)]
    let blobs: [[UInt8]] = [[], [0], Array(0...255)]
    try queue.write { db in
      let insert = try RawStatement("INSERT INTO t(id, s, b, n) VALUES (?, ?, ?, ?)", db: db)
      for (offset, text) in texts.enumerated() {
        try insert.execute(
          .integer(Int64(offset)), .text(text), .blob(blobs[offset % blobs.count]),
          .integer(offset.isMultiple(of: 2) ? Int64.min : Int64.max))
      }
    }
    try queue.read { db in
      for (offset, text) in texts.enumerated() {
        let row = try #require(
          try Row.fetchOne(db, sql: "SELECT hex(s), b, n, typeof(b) FROM t WHERE id = ?", arguments: [offset])
        )
        // Compared as bytes: GRDB reads text up to a NUL, which the rows here may hold.
        #expect(row[0] as String == text.utf8.map { String(format: "%02X", $0) }.joined())
        #expect([UInt8](row[1] as Data) == blobs[offset % blobs.count])
        #expect(row[3] as String == "blob", "an empty blob must not be stored as NULL")
        #expect(row[2] as Int64 == (offset.isMultiple(of: 2) ? Int64.min : Int64.max))
        let raw = try RawStatement("SELECT s, b, n FROM t WHERE id = ?", db: db).first(
          .integer(Int64(offset))
        ) {
          ($0.text(0), $0.blob(1), $0.integer(2), $0.isNull(0))
        }
        #expect(raw?.0 == text && raw?.1 == blobs[offset % blobs.count] && raw?.3 == false)
      }
      #expect(
        try RawStatement("SELECT s FROM t WHERE id = ?", db: db).first(.integer(99)) { $0.text(0) } == nil)
    }
  }

  @Test func aFailedStatementThrowsTheSQLiteErrorAndCanRunAgain() throws {
    let queue = try database()
    try queue.write { db in
      let insert = try RawStatement("INSERT INTO t(id, s) VALUES (?, ?)", db: db)
      try insert.execute(.integer(1), .text("x"))
      do {
        try insert.execute(.integer(1), .text("y"))
        Issue.record("a duplicate primary key was accepted")
      } catch let error as DatabaseError {
        #expect(error.resultCode == .SQLITE_CONSTRAINT)
        #expect(error.message?.contains("UNIQUE") == true)
      }
      try insert.execute(.integer(2), .text("z"))
      #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM t") == 2)
    }
  }
}

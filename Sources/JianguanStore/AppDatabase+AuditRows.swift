import Foundation
import GRDB
import GRDBSQLite

/// A prepared statement stepped through the SQLite C API, its columns read by index: the audit
/// reads millions of rows, and GRDB's `Row` (a lookup by column name, a `String` or `Data` copy
/// per value) was a sixth of its time. Pointers it gives are valid until the next `step()`.
struct AuditRows {
  let statement: Statement
  let handle: OpaquePointer

  init(_ db: Database, sql: String) throws {
    statement = try db.cachedStatement(sql: sql)
    handle = statement.sqliteStatement
    sqlite3_reset(handle)
  }

  /// Binds integer `value` to parameter `index` (1-based) after a reset.
  func bind(_ index: Int32, _ value: Int64) {
    sqlite3_reset(handle)
    sqlite3_bind_int64(handle, index, value)
  }

  /// Moves to the next row; false after the last.
  func step() throws -> Bool {
    let code = sqlite3_step(handle)
    if code == SQLITE_ROW { return true }
    sqlite3_reset(handle)
    if code == SQLITE_DONE { return false }
    throw DatabaseError(
      resultCode: ResultCode(rawValue: code),
      message: String(cString: sqlite3_errmsg(sqlite3_db_handle(handle))), sql: statement.sql)
  }

  func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

  func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

  /// The column's text bytes exactly as stored (sqlite3_column_text), or an empty buffer for NULL.
  func text(_ column: Int32) -> UnsafeBufferPointer<UInt8> {
    guard let pointer = sqlite3_column_text(handle, column) else {
      return UnsafeBufferPointer(start: nil, count: 0)
    }
    return UnsafeBufferPointer(start: pointer, count: Int(sqlite3_column_bytes(handle, column)))
  }

  /// The column as GRDB reads a `String`: `String(cString:)`, so up to a NUL byte and with
  /// invalid UTF-8 repaired.
  func string(_ column: Int32) -> String {
    String(cString: sqlite3_column_text(handle, column)!)
  }

  /// An optional text column as GRDB reads `String?`.
  func optionalString(_ column: Int32) -> String? {
    isNull(column) ? nil : string(column)
  }

  /// The column's bytes as stored (a blob's, or a text's without conversion).
  func bytes(_ column: Int32) -> UnsafeBufferPointer<UInt8> {
    guard let pointer = sqlite3_column_blob(handle, column) else {
      return UnsafeBufferPointer(start: nil, count: 0)
    }
    return UnsafeBufferPointer(
      start: pointer.assumingMemoryBound(to: UInt8.self), count: Int(sqlite3_column_bytes(handle, column)))
  }

  /// The column's blob bytes.
  func blob(_ column: Int32) -> UnsafeRawBufferPointer {
    let pointer = sqlite3_column_blob(handle, column)
    return UnsafeRawBufferPointer(start: pointer, count: Int(sqlite3_column_bytes(handle, column)))
  }

  /// Whether text `column` reads (as GRDB would read it) as a string equal to `expected`: byte
  /// equality when the bytes hold no NUL, the Swift comparison of the strings otherwise.
  func textEquals(_ column: Int32, _ expected: String) -> Bool {
    let bytes = text(column)
    var expected = expected
    let same = expected.withUTF8 { wanted in
      wanted.count == bytes.count && (bytes.isEmpty || memcmpEqual(wanted, bytes))
    }
    if same, !bytes.contains(0) { return true }
    return string(column) == expected
  }

  /// The column as GRDB's `DatabaseValue`, for messages.
  func databaseValue(_ column: Int32) -> DatabaseValue {
    switch sqlite3_column_type(handle, column) {
    case SQLITE_NULL: return .null
    case SQLITE_INTEGER: return int64(column).databaseValue
    case SQLITE_FLOAT: return sqlite3_column_double(handle, column).databaseValue
    case SQLITE_TEXT: return String(decoding: text(column), as: UTF8.self).databaseValue
    default: return Data(blob(column)).databaseValue
    }
  }

  /// Whether `column` holds the same value, of the same type, byte for byte, in this statement's
  /// row and in `other`'s.
  func sameValue(_ column: Int32, as other: AuditRows) -> Bool {
    let type = sqlite3_column_type(handle, column)
    guard type == sqlite3_column_type(other.handle, column) else { return false }
    switch type {
    case SQLITE_NULL: return true
    case SQLITE_INTEGER: return int64(column) == other.int64(column)
    case SQLITE_FLOAT:
      return sqlite3_column_double(handle, column) == sqlite3_column_double(other.handle, column)
    case SQLITE_TEXT:
      let (mine, theirs) = (text(column), other.text(column))
      return mine.count == theirs.count
        && (mine.isEmpty || memcmp(mine.baseAddress!, theirs.baseAddress!, mine.count) == 0)
    default:
      let (mine, theirs) = (blob(column), other.blob(column))
      return mine.count == theirs.count
        && (mine.isEmpty || memcmp(mine.baseAddress!, theirs.baseAddress!, mine.count) == 0)
    }
  }

  /// How `column` of this statement's row sorts against `other`'s, as SQLite orders a key with
  /// the BINARY collation: by storage class (NULL, number, text, blob), then by value, text and
  /// blobs bytewise. Negative, zero or positive.
  func order(_ column: Int32, against other: AuditRows) -> Int {
    func rank(_ type: Int32) -> Int {
      switch type {
      case SQLITE_NULL: 0
      case SQLITE_INTEGER, SQLITE_FLOAT: 1
      case SQLITE_TEXT: 2
      default: 3
      }
    }
    let (type, otherType) = (sqlite3_column_type(handle, column), sqlite3_column_type(other.handle, column))
    if rank(type) != rank(otherType) { return rank(type) - rank(otherType) }
    switch rank(type) {
    case 0: return 0
    case 1:
      if type == SQLITE_INTEGER && otherType == SQLITE_INTEGER {
        let (mine, theirs) = (int64(column), other.int64(column))
        return mine < theirs ? -1 : mine == theirs ? 0 : 1
      }
      let (mine, theirs) = (
        sqlite3_column_double(handle, column), sqlite3_column_double(other.handle, column)
      )
      return mine < theirs ? -1 : mine == theirs ? 0 : 1
    default:
      let (mine, theirs) = (bytes(column), other.bytes(column))
      let common = min(mine.count, theirs.count)
      let compared = common == 0 ? 0 : Int(memcmp(mine.baseAddress!, theirs.baseAddress!, common))
      return compared != 0 ? compared : mine.count - theirs.count
    }
  }

  private func memcmpEqual(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    for index in 0..<a.count where a[index] != b[index] { return false }
    return true
  }
}

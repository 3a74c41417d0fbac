import GRDB
import GRDBSQLite

/// One of GRDB's cached statements, bound and stepped through SQLite's C API, its columns read
/// by position: the import's hot path, where GRDB's `Row` and `StatementArguments` (existentials,
/// dictionaries of column names, closures) cost more than SQLite's own work. Used only for
/// statements no other code runs through GRDB, and only inside the caller's transaction.
struct RawStatement {
  enum Value {
    case text(String)
    case integer(Int64)
    case blob([UInt8])
  }

  private let statement: Statement
  private let db: Database

  init(_ sql: String, db: Database) throws {
    statement = try db.cachedStatement(sql: sql)
    self.db = db
  }

  private var handle: OpaquePointer { statement.sqliteStatement }

  /// SQLite copies the bytes it is given (`SQLITE_TRANSIENT`).
  private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

  private func bind(_ values: [Value]) throws {
    sqlite3_reset(handle)
    for (offset, value) in values.enumerated() {
      let index = Int32(offset + 1)
      let code: Int32
      switch value {
      case .integer(let number): code = sqlite3_bind_int64(handle, index, number)
      case .text(var text):
        code = text.withUTF8 { bytes in
          guard let base = bytes.baseAddress, !bytes.isEmpty else {
            return sqlite3_bind_text(handle, index, "", 0, Self.transient)
          }
          return sqlite3_bind_text(
            handle, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(bytes.count),
            Self.transient)
        }
      case .blob(let bytes):
        // A nil pointer would bind NULL: an empty blob is a zero-length blob.
        code =
          bytes.isEmpty
          ? sqlite3_bind_zeroblob(handle, index, 0)
          : bytes.withUnsafeBytes { buffer in
            sqlite3_bind_blob(handle, index, buffer.baseAddress, Int32(buffer.count), Self.transient)
          }
      }
      guard code == SQLITE_OK else { throw error(code) }
    }
  }

  /// Steps once: true when a row is ready, false when the statement is done.
  private func step() throws -> Bool {
    switch sqlite3_step(handle) {
    case SQLITE_ROW: return true
    case SQLITE_DONE: return false
    case let code:
      defer { sqlite3_reset(handle) }
      throw error(code)
    }
  }

  private func error(_ code: Int32) -> DatabaseError {
    let message = db.sqliteConnection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
    return DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
  }

  /// Runs a statement that returns no rows.
  func execute(_ values: Value...) throws {
    try bind(values)
    while try step() {}
    sqlite3_reset(handle)
  }

  /// The first row, read by `read`; nil when there is none.
  func first<T>(_ values: Value..., read: (Columns) throws -> T) throws -> T? {
    try bind(values)
    defer { sqlite3_reset(handle) }
    return try step() ? read(Columns(handle: handle)) : nil
  }

  /// Calls `body` with each row, in order.
  func forEach(_ values: [Value], _ body: (Columns) throws -> Void) throws {
    try bind(values)
    defer { sqlite3_reset(handle) }
    while try step() { try body(Columns(handle: handle)) }
  }

  /// The columns of the current row, by position from 0.
  struct Columns {
    fileprivate let handle: OpaquePointer

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }
    func integer(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    func text(_ column: Int32) -> String {
      guard let pointer = sqlite3_column_text(handle, column) else { return "" }
      let count = Int(sqlite3_column_bytes(handle, column))
      return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    func blob(_ column: Int32) -> [UInt8] {
      let count = Int(sqlite3_column_bytes(handle, column))
      guard count > 0, let pointer = sqlite3_column_blob(handle, column) else { return [] }
      return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }
  }
}

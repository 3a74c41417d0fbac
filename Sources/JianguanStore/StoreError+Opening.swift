import Foundation
import GRDB
import JianguanCore

extension StoreError {
  /// A database that exists but cannot be opened (exit status 2): a read-only file system or
  /// file, a full disk, a damaged file, or another failure, each said in one sentence.
  init(opening path: String, _ error: DatabaseError) {
    let quoted = Rejection.quote(path)
    if Self.isReadOnly(path) {
      self.message =
        "database \(quoted) is on a read-only file system or is not writable (SQLite in WAL mode must write beside it even to read): nothing was written"
    } else {
      switch error.resultCode {
      case .SQLITE_FULL: self.message = "the disk holding database \(quoted) is full: nothing was written"
      case .SQLITE_CORRUPT, .SQLITE_NOTADB:
        self.code = "database_damaged"
        self.message = "database \(quoted) is damaged or not a Jianguan database: \(error.message ?? "")"
      case .SQLITE_ERROR
      where (error.message ?? "").hasSuffix("already exists")
        || (error.message ?? "").hasPrefix("duplicate column name"):
        // A migration found its own tables: the record of migrations run was changed.
        self.message =
          "database \(quoted) cannot be opened: its table grdb_migrations no longer records the migrations that made its tables (\(error.message ?? "")); it was changed outside jianguan"
      default: self.message = "database \(quoted) cannot be opened: \(error.message ?? "\(error)")"
      }
    }
  }

  /// True when the file or its folder cannot be written, or the file system is mounted read-only.
  static func isReadOnly(_ path: String) -> Bool {
    let folder = (path as NSString).deletingLastPathComponent
    var info = statvfs()
    if statvfs(folder.isEmpty ? "." : folder, &info) == 0, info.f_flag & UInt(ST_RDONLY) != 0 { return true }
    return access(path, W_OK) != 0 || access(folder.isEmpty ? "." : folder, W_OK) != 0
  }
}

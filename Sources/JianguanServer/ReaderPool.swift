import Foundation
import JianguanStore

/// Connections for the reads: a GET takes one of its own for the whole request (its credential,
/// its scope checks and its figures, in one read transaction), so that reads run side by side on
/// SQLite's WAL readers instead of queueing on one connection. Connections are opened as requests overlap, up to
/// `connectionsMax`; past that, or if one cannot be opened, a request reads on the first.
final class ReaderPool: @unchecked Sendable {
  /// The connection the current request reads on (set by `AuthenticationMiddleware`).
  @TaskLocal static var current: AppDatabase?
  static let connectionsMax = 8

  let primary: AppDatabase
  private let lock = NSLock()
  private var idle: [AppDatabase] = []
  private var opened = 0

  init(primary: AppDatabase) { self.primary = primary }

  /// The connection the current request reads on: its own, or the first.
  var reader: AppDatabase { Self.current ?? primary }

  func checkOut() -> AppDatabase {
    lock.lock()
    if let reader = idle.popLast() {
      lock.unlock()
      return reader
    }
    let mayOpen = opened < Self.connectionsMax
    if mayOpen { opened += 1 }
    lock.unlock()
    guard mayOpen else { return primary }
    do { return try primary.openReader() } catch {
      lock.lock()
      opened -= 1
      lock.unlock()
      return primary
    }
  }

  func checkIn(_ reader: AppDatabase) {
    guard reader !== primary else { return }
    lock.lock()
    idle.append(reader)
    lock.unlock()
  }
}

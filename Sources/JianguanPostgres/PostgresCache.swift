import Foundation
import JianguanCore
import JianguanLedger
import JianguanStore
import PostgresNIO

/// A bureau's log in PostgreSQL as the upstream of a SQLite cache (`AppDatabase.openCache`): the
/// commands and the service that need the SQLite store's tables (reports, views, pages, the
/// server's reads) run on a local file that holds the same entries, and every write transaction
/// on that file is one PostgreSQL transaction too. It holds the bureau's append lock from the
/// file's first statement to its commit, first brings the file up to the bureau's log, and
/// appends what the file appended — chain checked, Merkle tiles, head row, checkpoints, sealed
/// records — committing in PostgreSQL before the file commits. The log in PostgreSQL is the
/// record: the file is rebuilt from it whenever it is missing or is not a prefix of it.
public final class PostgresCache: UpstreamLog, @unchecked Sendable {
  /// Used by one thread at a time: the file's writer, whose transactions are serialized. A
  /// connection the server closed (a restart) is replaced at the next transaction.
  private(set) var log: PostgresLog
  private var head: PostgresLog.Head?

  public init(log: PostgresLog) { self.log = log }

  /// The connection is closed with the cache that owns it (PostgresNIO requires it closed).
  deinit { log.close() }

  public func begin(size: Int64, hash: [UInt8]) throws {
    if log.session.isClosed {
      let url = log.url
      log.close()
      log = try PostgresLog.connect(url)
    }
    try log.session.beginOpen()
    do {
      try log.lockBureau()
      let head = try log.head(forUpdate: true)
      let stored: [UInt8]? =
        head.size == size ? head.hash : head.size < size ? nil : try log.hash(atSeq: size)
      guard stored == hash else {
        throw UpstreamDiverged(
          "the cache's \(size) entries are not the first \(size) of bureau \(log.bureau)'s log (\(head.size) entries)"
        )
      }
      self.head = head
    } catch {
      log.session.rollbackOpen()
      throw error
    }
  }

  public func forEachEntry(after size: Int64, _ each: ([UInt8]) throws -> Void) throws {
    guard let head, head.size > size else { return }
    try log.forEachEntry(after: size) { try each($0.bytes) }
  }

  public func persons(_ commitments: [String]) throws -> [SealedPerson] { try log.persons(commitments) }

  public func commit(_ appended: UpstreamAppend) throws {
    do {
      if !appended.isEmpty {
        guard var head, head.size == appended.size else {
          throw PostgresStoreError(
            "cache_behind", "the cache of bureau \(log.bureau) did not catch up with its log before it wrote")
        }
        var edge = try log.withTiles { try MerkleTileEdge(size: head.size, reader: $0) }
        // In pages, as `copy` writes: a large import through the cache is many statements, each
        // of a bounded size, in the one transaction.
        for start in stride(from: 0, to: appended.entries.count, by: PostgresLog.pageSize) {
          let page = appended.entries[start..<min(start + PostgresLog.pageSize, appended.entries.count)]
          try log.appendLocked(Array(page), head: &head, edge: &edge)
        }
        try log.writeTiles(edge.takeChangedTiles())
        try log.writeHead(head)
        try log.insert(appended.persons)
        try log.erase(appended.erased)
      }
      head = nil
      try log.session.commitOpen()
    } catch {
      rollback()
      throw error
    }
  }

  public func rollback() {
    head = nil
    log.session.rollbackOpen()
  }
}

extension PostgresLog {
  /// The hash of entry `seq` (the genesis's `prev`, 32 zero bytes, for 0), or nil when there is none.
  func hash(atSeq seq: Int64) throws -> [UInt8]? {
    if seq == 0 { return Entry.genesisPrevious }
    return try session.rows(
      "SELECT hash FROM jianguan.ledger WHERE bureau = \(bureau) AND seq = \(seq)"
    ).first.map { try $0.decode(ByteBuffer.self).bytes }
  }
}

import Foundation
import GRDB
import JianguanCore
import JianguanLedger

extension AppDatabase {
  /// Loads a policy book (the text of a file shaped like `Data/policy.json`) into the ledger as a
  /// `policy` entry; from then on every rule applies it. The same text as the book in force is a
  /// repeat and writes nothing.
  public func importPolicy(document: String, file: String = "policy.json") throws -> Recorded {
    _ = try PolicyBook.parse(json: Array(document.utf8), file: file)
    return try write { db in try loadPolicy(document: document, db: db) }
  }

  func loadPolicy(document: String, db: Database) throws -> Recorded {
    if let current = try db.row("SELECT seq, document FROM policy_books ORDER BY seq DESC LIMIT 1"),
      current["document"] == document
    {
      return Recorded(id: "policy", seq: current["seq"], repeated: true)
    }
    return Recorded(id: "policy", seq: try appendToLog(.policy(PolicyLoaded(document: document)), db: db))
  }

  /// The policy in force for a region: from the last `policy` entry of the ledger, read once and
  /// kept until another entry replaces it.
  func ledgerPolicy(for region: String, db: Database) throws -> Policy {
    // Inside a batch, which holds the write lock, only the batch's own appends can change it.
    let tail = batch.tail
    if let resolver = tail?.state.policy { return resolver.policy(for: region) }
    guard
      let head = try db.row(
        "SELECT p.seq, \(Self.envelopeOfEntry) FROM policy_books p JOIN ledger l ON l.seq = p.seq ORDER BY p.seq DESC LIMIT 1"
      )
    else {
      throw LedgerPolicy.notLoaded
    }
    let key = [UInt8]("\(head[0] as Int64)".utf8) + [UInt8](head[1] as Data)
    let resolver: LedgerPolicy
    if let cached = policyCache.value(for: key) {
      resolver = cached
    } else {
      let document: String =
        try db.value("SELECT document FROM policy_books WHERE seq = ?", [head[0] as Int64]) ?? ""
      resolver = LedgerPolicy(try PolicyBook.parse(json: Array(document.utf8)))
      policyCache.store(resolver, for: key)
    }
    tail?.state.policy = resolver
    return resolver.policy(for: region)
  }

  /// The policy books the ledger has held, oldest first, with the seq of each entry.
  public func policyBooks() throws -> [(seq: Int64, document: String)] {
    try read { db in
      try Row.fetchAll(db, sql: "SELECT seq, document FROM policy_books ORDER BY seq").map {
        ($0["seq"], $0["document"])
      }
    }
  }
}

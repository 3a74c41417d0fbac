import GRDB
import JianguanCore

/// Batch commit: many operations, one durable commit, each with its own outcome. The group
/// commit of a server and the imports are built on it.
extension AppDatabase {
  /// Runs `operations` in order inside one IMMEDIATE transaction and commits once. Each runs in
  /// a savepoint of its own: one that throws is rolled back alone (it wrote nothing) and the
  /// others go on; its error is its outcome. A failure of the database itself (disk full, busy)
  /// rolls back everything and is thrown.
  public func batch<Outcome>(_ operations: [(AppDatabase) throws -> Outcome]) throws
    -> [Result<Outcome, any Error>]
  {
    var outcomes: [Result<Outcome, any Error>] = []
    outcomes.reserveCapacity(operations.count)
    do {
      try writer.writeWithoutTransaction { db in
        try db.inTransaction(.immediate) {
          try withUpstream(db) {
            try batch.run(db) {
              for operation in operations {
                var outcome: Result<Outcome, any Error>?
                // The end of the log before this operation: a rolled-back one goes back to it.
                let tailBefore = batch.tail?.state
                outcome = try Self.inSavepoint(db) { try operation(self) }
                if case .failure = outcome {
                  // What the refused operation appended is gone, in the file and in memory.
                  if let tailBefore { batch.tail?.state = tailBefore }
                }
                outcomes.append(outcome!)
              }
            }
            return ((), commit: true)
          }
          return .commit
        }
      }
    } catch let error as DatabaseError {
      throw StoreError(error)
    }
    if batch.takeCheckpointRequest() { checkpointWAL() }
    return outcomes
  }

  /// Runs `operation` in a savepoint of the open transaction: released when it returns, rolled
  /// back when it throws (its error is its outcome). A failure of the database itself is thrown
  /// (the caller rolls back the whole transaction). GRDB's `inSavepoint` does the same, but
  /// compiles its SAVEPOINT and RELEASE statements again for every operation; these are cached.
  static func inSavepoint<Outcome>(_ db: Database, _ operation: () throws -> Outcome) throws
    -> Result<Outcome, any Error>
  {
    try db.cachedStatement(sql: "SAVEPOINT operation").execute()
    let outcome: Result<Outcome, any Error>
    do { outcome = .success(try operation()) } catch let error as DatabaseError { throw error } catch {
      outcome = .failure(error)
    }
    if case .failure = outcome {
      try db.cachedStatement(sql: "ROLLBACK TRANSACTION TO SAVEPOINT operation").execute()
    }
    try db.cachedStatement(sql: "RELEASE SAVEPOINT operation").execute()
    return outcome
  }
}

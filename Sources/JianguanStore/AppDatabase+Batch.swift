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
                do {
                  try db.inSavepoint {
                    do {
                      outcome = .success(try operation(self))
                      return .commit
                    } catch let error as DatabaseError {
                      throw error
                    } catch {
                      outcome = .failure(error)
                      return .rollback
                    }
                  }
                }
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
}

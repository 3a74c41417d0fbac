import Foundation
import JianguanLedger
import JianguanStore

/// One writer for the whole server: write requests queue here, and the writer thread runs all
/// that are waiting through `AppDatabase.batch` (one durable commit, a savepoint and an outcome
/// each). A request is answered only after the commit its operation was in reached the disk.
public final class GroupCommit: @unchecked Sendable {
  public typealias Operation = @Sendable (AppDatabase) throws -> JSONValue

  private struct Job {
    let operation: Operation
    let done: @Sendable (Result<JSONValue, any Error>) -> Void
  }

  private let database: AppDatabase
  private let condition = NSCondition()
  private var waiting: [Job] = []
  private var stopping = false
  private var thread: Thread?
  private let stopped = DispatchSemaphore(value: 0)
  /// Commits made and operations they held, for the metrics.
  private(set) var commits: Int64 = 0

  /// `database` must be used by nothing else while the writer runs: a batch's transaction is the
  /// database's for its duration.
  public init(database: AppDatabase) {
    self.database = database
    // The thread holds the writer until `stop()`: a writer is never freed under its own thread.
    let thread = Thread { self.run() }
    thread.name = "jianguan-writer"
    self.thread = thread
    thread.start()
  }

  /// Whether the database is the cache of another store's log (a PostgreSQL bureau), which each
  /// group commit first catches up with.
  public var cachesAnotherStore: Bool { database.cachesAnotherStore }

  /// Runs `operation` in the next group commit; returns its outcome once that commit is durable.
  public func submit(_ operation: @escaping Operation) async throws -> JSONValue {
    try await withCheckedThrowingContinuation { continuation in
      condition.lock()
      guard !stopping else {
        condition.unlock()
        continuation.resume(
          throwing: APIError(.serviceUnavailable, "server_stopping", "the server is stopping"))
        return
      }
      waiting.append(Job(operation: operation, done: { continuation.resume(with: $0) }))
      condition.signal()
      condition.unlock()
    }
  }

  /// Finishes every operation already queued, then stops the writer.
  public func stop() {
    condition.lock()
    let wasStopping = stopping
    stopping = true
    condition.signal()
    condition.unlock()
    if !wasStopping { stopped.wait() }
  }

  private func run() {
    while true {
      condition.lock()
      while waiting.isEmpty && !stopping {
        guard database.cachesAnotherStore else {
          condition.wait()
          continue
        }
        // The file caches another store's log, which other processes append to: when no
        // request comes for a second, the writer brings the file (and so the reads) up to it.
        if !condition.wait(until: Date(timeIntervalSinceNow: ServerLimits.cacheCatchUpSeconds)),
          waiting.isEmpty,
          !stopping
        {
          condition.unlock()
          try? database.catchUp()
          condition.lock()
        }
      }
      if waiting.isEmpty && stopping {
        condition.unlock()
        stopped.signal()
        return
      }
      let count = min(waiting.count, ServerLimits.batchOperationsMax)
      let jobs = Array(waiting.prefix(count))
      waiting.removeFirst(count)
      condition.unlock()
      commit(jobs)
    }
  }

  private func commit(_ jobs: [Job]) {
    do {
      let outcomes = try database.batch(jobs.map { job in { database in try job.operation(database) } })
      commits += 1
      for (job, outcome) in zip(jobs, outcomes) { job.done(outcome) }
    } catch {
      // The database itself failed (disk full, I/O): nothing of this batch was committed.
      for job in jobs { job.done(.failure(error)) }
    }
  }
}

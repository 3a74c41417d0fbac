import Foundation
import JianguanCore

/// The reference data a database is run with: GB/T 2260 regions, the policy book and the
/// working-day calendar, read from `Data/` by the caller. The region table and the calendar are
/// loaded on first use: most commands (a payment, a lesson) need neither, and parsing them is
/// most of a short command's start-up.
public final class ReferenceData: @unchecked Sendable {
  /// The policy book `init` loads into the ledger; the rules then apply the ledger's own
  /// (`AppDatabase.ledgerPolicy`), never this file's.
  public let policies: PolicyBook
  private let lock = NSLock()
  private var loadedRegions: RegionTable?
  private var loadedCalendar: WorkingDayCalendar?
  private let loadRegions: @Sendable () -> RegionTable
  private let loadCalendar: @Sendable () -> WorkingDayCalendar

  /// Reference data loaded on first use by `regions` and `calendar`; the loaders are the caller's
  /// (the command-line tool ends the process with a clear message if a file is unreadable).
  public init(
    policies: PolicyBook, regions: @escaping @Sendable () -> RegionTable,
    calendar: @escaping @Sendable () -> WorkingDayCalendar
  ) {
    self.policies = policies
    self.loadRegions = regions
    self.loadCalendar = calendar
  }

  /// Reference data already loaded.
  public convenience init(regions: RegionTable, policies: PolicyBook, calendar: WorkingDayCalendar) {
    self.init(policies: policies, regions: { regions }, calendar: { calendar })
  }

  public var regions: RegionTable {
    lock.lock()
    defer { lock.unlock() }
    if let loadedRegions { return loadedRegions }
    let table = loadRegions()
    loadedRegions = table
    return table
  }

  public var calendar: WorkingDayCalendar {
    lock.lock()
    defer { lock.unlock() }
    if let loadedCalendar { return loadedCalendar }
    let calendar = loadCalendar()
    loadedCalendar = calendar
    return calendar
  }
}

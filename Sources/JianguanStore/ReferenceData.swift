import Foundation
import JianguanCore

/// The reference data a database is run with: GB/T 2260 regions, the policy book and the
/// working-day calendar, read from `Data/` by the caller. Each is loaded on first use: most
/// commands (a payment, a lesson) need none of them (the rules apply the ledger's own policy and
/// calendar), and parsing them is most of a short command's start-up.
public final class ReferenceData: @unchecked Sendable {
  private let lock = NSLock()
  private var loadedPolicies: PolicyBook?
  private var loadedRegions: RegionTable?
  private var loadedCalendar: WorkingDayCalendar?
  private let loadPolicies: @Sendable () throws -> PolicyBook
  private let loadRegions: @Sendable () -> RegionTable
  private let loadCalendar: @Sendable () -> WorkingDayCalendar

  /// Reference data loaded on first use by `policies`, `regions` and `calendar`; the loaders are
  /// the caller's (the command-line tool ends the process with a clear message if a region or
  /// calendar file is unreadable; a policy book that does not parse is a refusal of `init`).
  public init(
    policies: @escaping @Sendable () throws -> PolicyBook, regions: @escaping @Sendable () -> RegionTable,
    calendar: @escaping @Sendable () -> WorkingDayCalendar
  ) {
    self.loadPolicies = policies
    self.loadRegions = regions
    self.loadCalendar = calendar
  }

  /// The policy book already loaded, the rest loaded on first use.
  public convenience init(
    policies: PolicyBook, regions: @escaping @Sendable () -> RegionTable,
    calendar: @escaping @Sendable () -> WorkingDayCalendar
  ) {
    self.init(policies: { policies }, regions: regions, calendar: calendar)
  }

  /// Reference data already loaded.
  public convenience init(regions: RegionTable, policies: PolicyBook, calendar: WorkingDayCalendar) {
    self.init(policies: policies, regions: { regions }, calendar: { calendar })
  }

  /// The policy book `init` loads into the ledger; the rules then apply the ledger's own
  /// (`AppDatabase.ledgerPolicy`), never this file's. A file that does not parse is the
  /// loader's error, thrown here.
  public var policies: PolicyBook {
    get throws {
      lock.lock()
      defer { lock.unlock() }
      if let loadedPolicies { return loadedPolicies }
      let book = try loadPolicies()
      loadedPolicies = book
      return book
    }
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

import JianguanCore

/// The reference data a database is run with: GB/T 2260 regions, the policy book and the
/// working-day calendar, read from `Data/` by the caller.
public struct ReferenceData: Sendable {
  public let regions: RegionTable
  public let policies: PolicyBook
  public let calendar: WorkingDayCalendar

  public init(regions: RegionTable, policies: PolicyBook, calendar: WorkingDayCalendar) {
    self.regions = regions
    self.policies = policies
    self.calendar = calendar
  }

  /// The policy in force for a region (county, prefecture, province, then the defaults).
  public func policy(for region: String) -> Policy { policies.policy(for: region, regions: regions) }
}

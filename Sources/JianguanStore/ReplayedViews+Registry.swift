import JianguanCore
import JianguanLedger

extension ReplayedViews {
  /// `institution list`: the institutions within `region` and of `status`, by region then USCC.
  public static func institutions(
    region: String?, status: String?, regions: RegionTable, in state: LedgerState
  )
    throws -> [InstitutionSummary]
  {
    let prefix = try AppDatabase.institutionFilter(region: region, status: status, regions: regions)
    return state.institutions.filter { uscc, institution in
      (prefix.map { institution.region.hasPrefix($0) } ?? true)
        && (status.map { institution.status == $0 } ?? true)
    }
    // SQLite's ORDER BY region, uscc compares the bytes.
    .sorted { a, b in
      a.value.region == b.value.region
        ? a.key.utf8.lexicographicallyPrecedes(b.key.utf8)
        : a.value.region.utf8.lexicographicallyPrecedes(b.value.region.utf8)
    }
    .compactMap { summary($0.key, in: state) }
  }

  /// `institution show`.
  public static func institution(_ uscc: String, in state: LedgerState) throws -> InstitutionSummary {
    guard let found = summary(uscc, in: state) else {
      throw Rejection("institution_unknown", "institution \(Rejection.quote(uscc)) is not registered")
    }
    return found
  }

  /// An institution as its registration and its last change of status leave it.
  static func summary(_ uscc: String, in state: LedgerState) -> InstitutionSummary? {
    guard let institution = state.institutions[uscc],
      let e = state.parentFlows.registration(ofInstitution: uscc)
    else { return nil }
    return InstitutionSummary(
      uscc: uscc, name: e.name, region: e.region, kind: e.kind, category: e.category, nonprofit: e.nonprofit,
      licence: e.licence, licenceExpires: e.licenceExpires, escrowBank: e.escrowBank,
      escrowAccount: e.escrowAccount,
      mode: e.mode, status: institution.status, statusReason: institution.statusReason,
      checksumOverrideReason: e.checksumOverrideReason, seq: institution.registeredSeq)
  }

  /// `report ratings`: an institution's ratings in the order they were given.
  public static func ratingsReport(institution uscc: String, in state: LedgerState) throws -> RatingsReport {
    let found = try institution(uscc, in: state)
    let lines = state.parentFlows.ratingOrder.compactMap { state.parentFlows.ratings[$0] }
      .filter { $0.institution == uscc }
      .map { RatingLine(enrollment: $0.enrollment, score: $0.score, comment: $0.comment, on: $0.on) }
    return RatingsReport(institution: uscc, name: found.name, lines: lines)
  }
}

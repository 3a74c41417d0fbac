import JianguanCore
import JianguanLedger
import JianguanPostgres
import JianguanStore

/// The read commands on a PostgreSQL URL: the views the SQLite store reads from its tables,
/// computed from the state the bureau's log replays to (`ReplayedViews`), read in one snapshot.
extension PostgresCommands {
  /// `refund-request show`.
  static func refundRequest(_ request: String, _ global: GlobalOptions) throws -> RefundRequestView {
    try reading(global) { try ReplayedViews.refundRequest(request, in: $0) }
  }

  /// `list` of a kind the replay lists (`replays`).
  static func list(_ kind: ViewKind, filter: ViewFilter, limit: Int, after: String?, _ global: GlobalOptions)
    throws -> ViewPage
  {
    try reading(global) {
      try ReplayedViews.list(kind, filter: filter, limit: limit, after: after, in: $0)
    }
  }

  /// `show` of a kind the replay lists (`replays`).
  static func show(_ kind: ViewKind, _ id: String, _ global: GlobalOptions) throws -> ViewRecord {
    try reading(global) { try ReplayedViews.show(kind, id, in: $0) }
  }

  /// `class show`.
  static func classWithRoster(_ classID: String, _ global: GlobalOptions) throws -> (
    class: ViewRecord, roster: [ViewRecord]
  ) {
    try reading(global) { try ReplayedViews.classWithRoster(classID, in: $0) }
  }

  /// Whether a URL's list or show of `kind` is answered from the replayed log; the other kinds
  /// (and a file) are answered from the store's tables (on a URL, the bureau's cache).
  static func replays(_ kind: ViewKind, _ global: GlobalOptions) -> Bool {
    global.namesPostgres && ReplayedViews.listedKinds.contains(kind)
  }

  /// `parent show`: names opened with the key in the file `key` names (default
  /// `jianguan-BUREAU.key`); without it they show as on a file without its key.
  static func parentView(_ parent: String, key: String?, _ global: GlobalOptions) throws -> ParentView {
    let vault = try self.vault(key, global)
    return try readingEntries(global) { try ReplayedViews.parent(parent, in: $0, $1, vault: vault) }
  }

  /// `contract show`, the parent's name opened as `parent show` opens it.
  static func contract(enrollment: String, key: String?, _ global: GlobalOptions) throws -> ContractDocument {
    let vault = try self.vault(key, global)
    return try readingEntries(global) {
      try ReplayedViews.contract(enrollment: enrollment, in: $0, $1, vault: vault)
    }
  }

  /// The bureau's personal-data key: the file `key` names, by default the one the cache opens too
  /// (`$JIANGUAN_KEY`, else `jianguan-BUREAU.key`).
  static func vault(_ key: String?, _ global: GlobalOptions) throws -> PersonalDataVault {
    _ = try PostgresURL.parse(global.databasePath)
    return PersonalDataVault.open(at: key ?? global.keyPath)
  }

  /// `student show`.
  static func studentHistory(_ student: String, _ global: GlobalOptions) throws -> StudentHistory {
    try readingEntries(global) { try ReplayedViews.studentHistory(student, in: $0, $1) }
  }

  /// Runs `body` on the replayed state and the entries and sealed persons of the same snapshot.
  static func readingEntries<T>(
    _ global: GlobalOptions, _ body: (LedgerState, ReplayedViews.Entries) throws -> T
  )
    throws -> T
  {
    try withLog(global) { log in
      try log.read { ledger, lookups in
        try body(
          ledger.state,
          ReplayedViews.Entries(
            lookups: lookups, event: { try log.event(atSeq: $0) },
            person: { try log.sealedPerson(commitment: $0) }))
      }
    }
  }

  /// `institution list`.
  static func institutions(region: String?, status: String?, _ global: GlobalOptions) throws
    -> [InstitutionSummary]
  {
    let regions = try Environment.reference().regions
    return try reading(global) {
      try ReplayedViews.institutions(region: region, status: status, regions: regions, in: $0)
    }
  }

  /// `institution show`: the institution and the balance of its enrollments, of one snapshot.
  static func institution(_ uscc: String, _ global: GlobalOptions) throws -> (
    InstitutionSummary, BalanceSummary
  ) {
    let regions = try Environment.reference().regions
    return try reading(global) {
      (
        try ReplayedViews.institution(uscc, in: $0),
        try BalanceSummary($0, scope: .institution(uscc), regions: regions)
      )
    }
  }

  /// `report ratings`.
  static func ratingsReport(institution: String, _ global: GlobalOptions) throws -> RatingsReport {
    try reading(global) { try ReplayedViews.ratingsReport(institution: institution, in: $0) }
  }

  /// Runs `body` on the state the bureau's log replays to, read from one snapshot.
  static func reading<T>(_ global: GlobalOptions, _ body: (LedgerState) throws -> T) throws -> T {
    try withLog(global) { log in try log.read { try body($0.state) } }
  }
}

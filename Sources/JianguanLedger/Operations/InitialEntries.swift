import JianguanCore

/// What `jianguan init` appends to a new log, in order, whatever the store: the genesis (the
/// authority, its region, the checkpoint origin), one `calendar` entry per year of the working-day
/// calendar the rules count with, and the policy book they apply (when it was read from a file).
/// Every field is checked before any event is built, so a refusal leaves nothing anywhere.
public struct InitialEntries: Sendable {
  /// The first entry's content: who keeps the log, for which region, under which origin.
  public let genesis: Genesis
  /// Every event, the genesis first.
  public let events: [Event]

  /// The entries of a new log. The arguments are read in the order the refusals come: the
  /// region, the policy book, the authority, the origin.
  public init(
    authority: String, region: String, origin: String?, regions: RegionTable,
    policies: @autoclosure () throws -> PolicyBook, calendar: @autoclosure () throws -> WorkingDayCalendar
  ) throws {
    let regionRecord = try regions.validateCurrent(region, field: "region")
    let policyDocument = try policies().document
    let authorityText = try TextField.validateForLedger(authority, field: "authority", maxLength: 100)
    let origin = try origin.map(Self.validateOrigin) ?? "jianguan.\(regionRecord.code).example/ledger"
    genesis = Genesis(authority: authorityText, region: regionRecord.code, origin: origin)
    var events: [Event] = [.genesis(genesis)]
    // The rules count working days with the calendar the ledger holds, from the start…
    events += try calendar().years.map { .calendar(CalendarLoaded($0)) }
    // …and apply the policy values it holds.
    if let document = policyDocument { events.append(.policy(PolicyLoaded(document: document))) }
    self.events = events
  }

  /// A checkpoint origin line, which is also the name of the key that signs it: 1 to 200
  /// characters, no spaces, plus signs or control characters (C2SP tlog-checkpoint, signed-note).
  static func validateOrigin(_ origin: String) throws -> String {
    let valid =
      (1...200).contains(origin.count)
      && !origin.unicodeScalars.contains {
        $0.properties.isWhitespace || $0 == "+" || $0.value < 0x20 || $0.value == 0x7f
      }
    guard valid else {
      throw Rejection(
        "origin_invalid",
        "origin \(Rejection.quote(origin)) must be 1 to 200 characters without spaces, plus signs or control characters (it names the log in checkpoints, e.g. jianguan.340100.example/ledger)"
      )
    }
    return origin
  }
}

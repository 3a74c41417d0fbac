import JianguanCore
import JianguanLedger

extension Settlement {
  /// The settlement as `settle --format json` and the service show it; `recorded` renders each
  /// lesson released (the command line adds `repeated`, the service does not).
  public func json(asOf: CalendarDate, recorded: (Recorded) -> JSONValue) -> JSONValue {
    .object([
      "asOf": .string(asOf.description), "released": .array(released.map(recorded)),
      "refundRequestsDeemedAgreed": .array(refundRequestsDeemedAgreed.map(\.json)),
    ])
  }
}

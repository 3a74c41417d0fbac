/// The money and hours of one enrollment: H hours bought for A fen, held in escrow and released
/// lesson by lesson or refunded. Every consumed or refunded hour is worth floor(A / H) fen, except
/// the hour that leaves nothing outstanding, which takes whatever remains, so that releases plus
/// refunds equal A to the fen.
public struct EnrollmentBalance: Equatable, Sendable {
  public var hoursPaid: Int64
  public var amountFen: Int64
  public var releasedFen: Int64 = 0
  public var refundedFen: Int64 = 0
  public var hoursConsumed: Int64 = 0
  public var hoursRefunded: Int64 = 0
  /// Hours of lessons recorded but neither released nor voided (pending or disputed).
  public var hoursPending: Int64 = 0
  /// Hours held by open refund applications: no lesson or other refund may take them meanwhile.
  public var hoursReserved: Int64 = 0

  public init(hoursPaid: Int64, amountFen: Int64) {
    precondition(hoursPaid > 0 && amountFen >= 0, "an enrollment buys at least one hour")
    self.hoursPaid = hoursPaid
    self.amountFen = amountFen
  }

  /// What is still held for this enrollment.
  public var escrowFen: Int64 { amountFen - releasedFen - refundedFen }
  /// Hours neither consumed, refunded, waiting for confirmation nor reserved by a refund application.
  public var hoursRemaining: Int64 {
    hoursPaid - hoursConsumed - hoursRefunded - hoursPending - hoursReserved
  }
  /// The share of one hour, rounded down.
  public var perHourFen: Int64 { amountFen / hoursPaid }

  /// The amount that `hours` more settled hours (released or refunded) are worth.
  func settlementFen(hours: Int64) -> Int64 {
    if hoursConsumed + hoursRefunded + hours == hoursPaid { return escrowFen }
    return hours * perHourFen
  }

  /// Records a lesson of `hours` as taught and waiting for confirmation.
  public mutating func recordLesson(hours: Int64) throws {
    guard hours >= 1, hours <= hoursRemaining else {
      throw Rejection(
        "lesson_hours_exceed_remaining",
        "hours \(hours) is more than the \(hoursRemaining) hours remaining on this enrollment"
          + (hoursReserved > 0 ? " (\(hoursReserved) hours are held by open refund applications)" : ""))
    }
    hoursPending += hours
  }

  /// Releases a pending lesson of `hours`; returns the fen released to the institution.
  @discardableResult
  public mutating func releaseLesson(hours: Int64) -> Int64 {
    precondition(hours >= 1 && hours <= hoursPending, "only pending hours are released")
    hoursPending -= hours
    let amount = settlementFen(hours: hours)
    hoursConsumed += hours
    releasedFen += amount
    return amount
  }

  /// Voids a pending lesson: its hours become available again, no money moves.
  public mutating func voidLesson(hours: Int64) {
    precondition(hours >= 1 && hours <= hoursPending, "only pending hours are voided")
    hoursPending -= hours
  }

  /// The fen a refund of `hours` would return, or a rejection when they are not available.
  public func refundFen(hours: Int64) throws -> Int64 {
    guard hours >= 1 else {
      throw Rejection("refund_hours_not_positive", "hours \(hours) must be at least 1")
    }
    guard hours <= hoursRemaining else {
      throw Rejection(
        "refund_exceeds_remaining",
        "hours \(hours) is more than the \(hoursRemaining) unconsumed hours that can be refunded"
          + (hoursPending > 0 ? " (\(hoursPending) hours are pending confirmation)" : "")
          + (hoursReserved > 0 ? " (\(hoursReserved) hours are held by open refund applications)" : ""))
    }
    return settlementFen(hours: hours)
  }

  /// Refunds `hours`; returns the fen returned to the parent.
  @discardableResult
  public mutating func refund(hours: Int64) throws -> Int64 {
    let amount = try refundFen(hours: hours)
    hoursRefunded += hours
    refundedFen += amount
    return amount
  }

  /// Reserves `hours` for a refund application.
  public mutating func reserve(hours: Int64) throws {
    guard hours >= 1, hours <= hoursRemaining else {
      throw Rejection(
        "refund_request_exceeds_remaining",
        "hours \(hours) is more than the \(hoursRemaining) unconsumed hours that can be applied for"
          + (hoursPending > 0 ? " (\(hoursPending) hours are pending confirmation)" : "")
          + (hoursReserved > 0 ? " (\(hoursReserved) hours are held by another open application)" : ""))
    }
    hoursReserved += hours
  }

  /// Frees the hours of an application that was answered (agreed hours are then refunded).
  public mutating func unreserve(hours: Int64) {
    precondition(hours >= 1 && hours <= hoursReserved, "only reserved hours are freed")
    hoursReserved -= hours
  }
}

/// The rules one region applies, with the national defaults of DESIGN.md; regions override
/// fields in `Data/policy.json` (see `PolicyBook`).
public struct Policy: Codable, Sendable, Equatable {
  /// How prepaid fees are secured.
  public enum SupervisionMode: String, Codable, Sendable, CaseIterable {
    /// 银行托管: fees are held in an escrow account and released per lesson.
    case escrow
    /// 风险保证金: the institution keeps a risk reserve with the bank.
    case reserve
  }

  /// Escrow (银行托管) or risk reserve (风险保证金). Source: 教监管函〔2021〕2号.
  public var supervisionMode: SupervisionMode = .escrow
  /// Most class hours one charge may buy. Source: 教监管函〔2021〕2号.
  public var maxHoursPerCharge: Int64 = 60
  /// Most months of lessons one charge may cover. Source: 教监管函〔2021〕2号.
  public var maxMonthsPerCharge: Int = 3
  /// Largest single charge, in fen (5000 yuan). Source: 教监管〔2022〕4号.
  public var maxFenPerCharge: Int64 = 500_000
  /// How many months before the class starts fees may first be collected. Source: local notices.
  public var earliestCollectionMonthsBeforeStart: Int = 1
  /// Working days after which an unanswered lesson is deemed confirmed. Source: platform notices.
  public var confirmationWindowWorkingDays: Int = 15
  /// Working days after which an unanswered refund application is deemed agreed.
  public var refundAnswerWorkingDays: Int = 5
  /// Latest end of an offline lesson, minutes after midnight (20:30). Source: 教监管〔2022〕4号.
  public var offlineLatestEndMinute: Int = 1230
  /// Latest end of an online lesson, minutes after midnight (21:00). Source: 双减意见.
  public var onlineLatestEndMinute: Int = 1260
  /// Longest online lesson in minutes. Source: 双减意见.
  public var onlineMaxLessonMinutes: Int = 30
  /// Shortest break between online lessons on one day, in minutes. Source: 双减意见.
  public var onlineMinGapMinutes: Int = 10
  /// How far above the guided base price a subject course may be priced, in percent.
  public var guidedPriceMarkupPercent: Int = 10
  /// Guided base prices for subject training; empty means no guided price applies.
  public var guidedPrices: [GuidedPrice] = []
  /// Start of school hours on a school day (Monday to Friday), minutes after midnight (08:00):
  /// no subject class may have a weekday slot within school hours. Source: 双减意见.
  public var schoolDayStartMinute: Int = 480
  /// End of school hours, with the schools' after-school service (17:30). Source: 双减意见.
  public var schoolDayEndMinute: Int = 1050
  /// The winter and summer vacations, when no subject class may be held. Source: 双减意见.
  public var vacations: [SchoolVacation] = [
    SchoolVacation(name: "winter", fromMonth: 1, fromDay: 20, toMonth: 2, toDay: 20)!,
    SchoolVacation(name: "summer", fromMonth: 7, fromDay: 10, toMonth: 8, toDay: 31)!,
  ]
  /// Risk alert: escrow above this many months of scheduled lessons.
  public var riskEscrowMonthsOfLessons: Int = 6
  /// Risk alert: disputed share of enrollments above this percentage.
  public var riskDisputeSharePercent: Int = 20
  /// Risk alert: the window, in days, in which complaints are counted.
  public var riskComplaintsDays: Int = 30
  /// Risk alert: days before a licence expires when it is flagged.
  public var riskLicenceExpiryDays: Int = 30

  /// The national defaults.
  public init() {}

  /// The national defaults of DESIGN.md.
  public static let defaults = Policy()

  /// The guided price for a class-size band and delivery, if the region sets one.
  public func guidedPrice(classSize: ClassSize, delivery: Delivery) -> GuidedPrice? {
    guidedPrices.first { $0.classSize == classSize && $0.delivery == delivery }
  }
}

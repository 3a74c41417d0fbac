/// One field of `Policy` as it is named and checked in `Data/policy.json`.
struct PolicyField {
  enum Kind {
    case mode
    case int(WritableKeyPath<Policy, Int>, ClosedRange<Int>)
    case int64(WritableKeyPath<Policy, Int64>, ClosedRange<Int64>)
    case guidedPrices
    case vacations
  }

  let name: String
  let kind: Kind

  /// Every field, in the order of `Policy`; the JSON keys are the Swift property names.
  static func all() -> [PolicyField] {
    [
      PolicyField(name: "supervisionMode", kind: .mode),
      PolicyField(name: "maxHoursPerCharge", kind: .int64(\.maxHoursPerCharge, 1...10_000)),
      PolicyField(name: "maxMonthsPerCharge", kind: .int(\.maxMonthsPerCharge, 1...60)),
      PolicyField(name: "maxFenPerCharge", kind: .int64(\.maxFenPerCharge, 1...Money.maxFen)),
      PolicyField(
        name: "earliestCollectionMonthsBeforeStart", kind: .int(\.earliestCollectionMonthsBeforeStart, 0...24)
      ),
      PolicyField(
        name: "confirmationWindowWorkingDays", kind: .int(\.confirmationWindowWorkingDays, 1...250)),
      PolicyField(name: "refundAnswerWorkingDays", kind: .int(\.refundAnswerWorkingDays, 1...250)),
      PolicyField(name: "offlineLatestEndMinute", kind: .int(\.offlineLatestEndMinute, 0...1440)),
      PolicyField(name: "onlineLatestEndMinute", kind: .int(\.onlineLatestEndMinute, 0...1440)),
      PolicyField(name: "onlineMaxLessonMinutes", kind: .int(\.onlineMaxLessonMinutes, 1...1440)),
      PolicyField(name: "onlineMinGapMinutes", kind: .int(\.onlineMinGapMinutes, 0...1440)),
      PolicyField(name: "guidedPriceMarkupPercent", kind: .int(\.guidedPriceMarkupPercent, 0...100)),
      PolicyField(name: "guidedPrices", kind: .guidedPrices),
      PolicyField(name: "schoolDayStartMinute", kind: .int(\.schoolDayStartMinute, 0...1440)),
      PolicyField(name: "schoolDayEndMinute", kind: .int(\.schoolDayEndMinute, 0...1440)),
      PolicyField(name: "vacations", kind: .vacations),
      PolicyField(name: "riskEscrowMonthsOfLessons", kind: .int(\.riskEscrowMonthsOfLessons, 1...120)),
      PolicyField(name: "riskDisputeSharePercent", kind: .int(\.riskDisputeSharePercent, 0...100)),
      PolicyField(name: "riskComplaintsDays", kind: .int(\.riskComplaintsDays, 1...3650)),
      PolicyField(name: "riskLicenceExpiryDays", kind: .int(\.riskLicenceExpiryDays, 0...3650)),
    ]
  }

  /// Sets this field of `policy` from a JSON value, refusing wrong types and out-of-range values.
  func set(_ value: JSONValue, on policy: inout Policy, path: String) throws {
    let place = "\(path).\(name) \(value.brief)"
    switch kind {
    case .mode:
      guard case .string(let text) = value, let mode = Policy.SupervisionMode(rawValue: text) else {
        throw PolicyField.bad(place, "must be \"escrow\" or \"reserve\"")
      }
      policy.supervisionMode = mode
    case .int(let keyPath, let range):
      guard let number = value.integer, let small = Int(exactly: number), range.contains(small) else {
        throw PolicyField.bad(place, "must be a whole number in \(range.lowerBound)...\(range.upperBound)")
      }
      policy[keyPath: keyPath] = small
    case .int64(let keyPath, let range):
      guard let number = value.integer, range.contains(number) else {
        throw PolicyField.bad(place, "must be a whole number in \(range.lowerBound)...\(range.upperBound)")
      }
      policy[keyPath: keyPath] = number
    case .guidedPrices:
      policy.guidedPrices = try PolicyField.guidedPrices(value, path: "\(path).\(name)")
    case .vacations:
      policy.vacations = try PolicyField.vacations(value, path: "\(path).\(name)")
    }
  }

  /// Copies this field from `source` to `target`.
  func copy(from source: Policy, to target: inout Policy) {
    switch kind {
    case .mode: target.supervisionMode = source.supervisionMode
    case .int(let keyPath, _): target[keyPath: keyPath] = source[keyPath: keyPath]
    case .int64(let keyPath, _): target[keyPath: keyPath] = source[keyPath: keyPath]
    case .guidedPrices: target.guidedPrices = source.guidedPrices
    case .vacations: target.vacations = source.vacations
    }
  }

  /// Reads the fields present in `members` over `base`; returns the result and the keys set.
  /// Keys beginning with "_" (notes) are ignored; any other unknown key is refused.
  static func read(_ members: [String: JSONValue], over base: Policy, path: String) throws -> (
    Policy, Set<String>
  ) {
    let fields = all()
    var policy = base
    var setKeys: Set<String> = []
    for key in members.keys.sorted() where !key.hasPrefix("_") {
      guard let field = fields.first(where: { $0.name == key }) else {
        throw Rejection(
          "policy_unknown_key",
          "policy \(path) has the unknown key \(Rejection.quote(key)); check its spelling")
      }
      try field.set(members[key]!, on: &policy, path: path)
      setKeys.insert(key)
    }
    return (policy, setKeys)
  }

  private static func guidedPrices(_ value: JSONValue, path: String) throws -> [GuidedPrice] {
    guard case .array(let elements) = value, elements.count <= 12 else {
      throw bad(path, "must be an array of at most 12 guided prices")
    }
    var prices: [GuidedPrice] = []
    for (index, element) in elements.enumerated() {
      let place = "\(path)[\(index)]"
      guard case .object(let members) = element,
        Set(members.keys.filter { !$0.hasPrefix("_") }) == ["classSize", "delivery", "baseFenPerHour"]
      else {
        throw bad(place, "must be an object with exactly classSize, delivery and baseFenPerHour")
      }
      let sizeValue = members["classSize"]!
      let deliveryValue = members["delivery"]!
      let baseValue = members["baseFenPerHour"]!
      guard case .string(let sizeText) = sizeValue, let size = ClassSize(rawValue: sizeText) else {
        throw bad("\(place).classSize \(sizeValue.brief)", "must be \"under10\", \"10to35\" or \"over35\"")
      }
      guard case .string(let deliveryText) = deliveryValue, let delivery = Delivery(rawValue: deliveryText)
      else {
        throw bad("\(place).delivery \(deliveryValue.brief)", "must be \"online\" or \"offline\"")
      }
      guard let base = baseValue.integer, (1...Money.maxFen).contains(base) else {
        throw bad(
          "\(place).baseFenPerHour \(baseValue.brief)", "must be a whole number of fen in 1...\(Money.maxFen)"
        )
      }
      if prices.contains(where: { $0.classSize == size && $0.delivery == delivery }) {
        throw bad(place, "repeats the guided price for \(sizeText) \(deliveryText)")
      }
      prices.append(GuidedPrice(classSize: size, delivery: delivery, baseFenPerHour: base))
    }
    return prices
  }

  private static func vacations(_ value: JSONValue, path: String) throws -> [SchoolVacation] {
    guard case .array(let elements) = value, elements.count <= 12 else {
      throw bad(path, "must be an array of at most 12 vacations")
    }
    return try elements.enumerated().map { index, element in
      let place = "\(path)[\(index)]"
      guard case .object(let members) = element,
        Set(members.keys.filter { !$0.hasPrefix("_") }) == ["name", "from", "to"],
        case .string(let name)? = members["name"], (1...20).contains(name.count),
        case .string(let fromText)? = members["from"], let from = SchoolVacation.monthDay(fromText),
        case .string(let toText)? = members["to"], let to = SchoolVacation.monthDay(toText),
        let vacation = SchoolVacation(
          name: name, fromMonth: from.month, fromDay: from.day, toMonth: to.month, toDay: to.day)
      else {
        throw bad(place, "must be an object with exactly name, from and to, the days written \"MM-DD\"")
      }
      return vacation
    }
  }

  static func bad(_ place: String, _ rule: String) -> Rejection {
    Rejection("policy_bad_value", "policy \(place) \(rule)")
  }
}

import JianguanCore
import JianguanCrypto

/// A record of the core with the id the registry gave it, encoded flat: `{"id": "SA3", …the
/// record's fields…}`. Used by every supervision entry.
public struct Identified<Body: Codable & Equatable & Sendable>: Codable, Equatable, Sendable {
  public var id: String
  public var body: Body

  public init(id: String, body: Body) {
    self.id = id
    self.body = body
  }

  enum CodingKeys: String, CodingKey { case id }

  public init(from decoder: any Decoder) throws {
    id = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .id)
    body = try Body(from: decoder)
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(id, forKey: .id)
    try body.encode(to: encoder)
  }
}

/// `supervision.action`: a supervision action (专项行动、检查) with its figures.
public typealias SupervisionActionRecorded = Identified<SupervisionAction>
/// `supervision.measure`: a policy document issued or another measure, with its figures.
public typealias SupervisionMeasureRecorded = Identified<SupervisionMeasure>
/// `finding.added`: one problem at one institution or operator, and what was ordered.
public typealias FindingAdded = Identified<FindingRecord>
/// `finding.rectified` and `finding.verified`: the id is the finding's.
public typealias FindingFollowedUp = Identified<FollowUpNote>
/// `complaint.filed`: a complaint or tip, without personal data.
public typealias ComplaintFiled = Identified<ComplaintRecord>
/// `complaint.resolved`: the id is the complaint's.
public typealias ComplaintResolved = Identified<ComplaintResolution>

/// When a finding was rectified or its rectification verified, and by what evidence.
public struct FollowUpNote: Codable, Equatable, Sendable {
  public var date: CalendarDate
  public var note: String
  public init(date: CalendarDate, note: String) {
    self.date = date
    self.note = note
  }
}

extension Event {
  /// The kinds of the supervision entries.
  static let supervisionKinds: Set<String> = [
    "supervision.action", "supervision.measure", "finding.added", "finding.rectified", "finding.verified",
    "complaint.filed", "complaint.resolved",
  ]

  /// Decodes a supervision entry; nil when `kind` is not one.
  static func supervision(kind: String, payload: JSONValue) throws -> Event? {
    func body<T: Decodable>(_ type: T.Type) throws -> T { try JSONValueCoder.decode(type, from: payload) }
    switch kind {
    case "supervision.action": return .supervisionAction(try body(SupervisionActionRecorded.self))
    case "supervision.measure": return .supervisionMeasure(try body(SupervisionMeasureRecorded.self))
    case "finding.added": return .findingAdded(try body(FindingAdded.self))
    case "finding.rectified": return .findingRectified(try body(FindingFollowedUp.self))
    case "finding.verified": return .findingVerified(try body(FindingFollowedUp.self))
    case "complaint.filed": return .complaintFiled(try body(ComplaintFiled.self))
    case "complaint.resolved": return .complaintResolved(try body(ComplaintResolved.self))
    default: return nil
    }
  }
}

extension Event {
  /// What makes a supervision record the same record again (`import supervision` adds nothing
  /// for a record already in the ledger): SHA-256, hex, of the entry's canonical payload without
  /// the `id` the registry gave it. Nil for entries that are not a record's first entry.
  public var supervisionRecordDigest: String? {
    switch self {
    case .supervisionAction, .supervisionMeasure, .findingAdded, .complaintFiled: break
    default: return nil
    }
    guard case .object(var members) = payload else { return nil }
    members["id"] = nil
    return Hex.encode(SHA256.hash(JSONValue.object(members).canonicalBytes))
  }
}

/// The payload of `parent.erased`: the personal data (names, ID numbers, phone) of a parent and of
/// their children was erased from the database at the parent's request (right to erasure). Only
/// the parent's id and why it was erased are recorded; the commitments in earlier entries stay, so
/// the chain and the money still verify.
public struct ParentErased: Codable, Equatable, Sendable {
  public var parent: String
  /// Why (free text without personal data); absent in entries written before it was required.
  public var reason: String?
  public init(parent: String, reason: String? = nil) {
    self.parent = parent
    self.reason = reason
  }
}

/// The payload of `parent.erased`: the personal data (names, ID numbers, phone) of a parent and of
/// their children was erased from the database at the parent's request (right to erasure). Only
/// the parent's id is recorded; the commitments in earlier entries stay, so the chain and the
/// money still verify.
public struct ParentErased: Codable, Equatable, Sendable {
  public var parent: String
  public init(parent: String) { self.parent = parent }
}

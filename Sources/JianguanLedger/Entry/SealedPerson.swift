/// A person's sealed personal data, kept beside the log (never in it) under the commitment the
/// log names: what both stores keep in their `persons` table, and what `copy` carries between
/// them as it is, without opening it.
public struct SealedPerson: Equatable, Sendable {
  public let commitment: String
  public let role: String
  /// The ID number as shown, masked (3405**********001X), or the erased mark.
  public let maskedID: String
  /// AES-256-GCM under the bureau's key file; nil once the person's data is erased.
  public let sealed: [UInt8]?

  public init(commitment: String, role: String, maskedID: String, sealed: [UInt8]?) {
    self.commitment = commitment
    self.role = role
    self.maskedID = maskedID
    self.sealed = sealed
  }
}

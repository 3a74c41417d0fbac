import Foundation
import JianguanCore
import JianguanCrypto

/// Keeps parents' and students' personal data out of the ledger and sealed at rest.
///
/// The key file (64 hex digits, mode 0600, beside the database, never inside it) holds a master
/// key. From it: the commitment key, so the ledger carries HMAC-SHA256(key, "resident-id\n" ‖ ID)
/// and never the ID; and the sealing key, for AES-256-GCM over name, ID number and phone. Losing
/// the key file loses the personal data, not the ledger's verifiability.
public struct PersonalDataVault: Sendable {
  public let keyPath: String
  public let masterKey: [UInt8]?
  /// The keys derived from the master key, once: every sealed record and every commitment uses
  /// one (the audit opens each person's record and recomputes its commitment).
  private let sealingKey: [UInt8]?
  private let commitmentKey: [UInt8]?

  public init(keyPath: String, masterKey: [UInt8]?) {
    self.keyPath = keyPath
    self.masterKey = masterKey
    sealingKey = masterKey.map { Self.derive($0, "sealing") }
    commitmentKey = masterKey.map { Self.derive($0, "commitment") }
  }

  public static func create(at keyPath: String) throws -> PersonalDataVault {
    let key = SecureRandom.bytes(32)
    let created = FileManager.default.createFile(
      atPath: keyPath, contents: Data((Hex.encode(key) + "\n").utf8), attributes: [.posixPermissions: 0o600])
    guard created else {
      throw Rejection("key_file_unwritable", "could not write the key file \(Rejection.quote(keyPath))")
    }
    return PersonalDataVault(keyPath: keyPath, masterKey: key)
  }

  public static func open(at keyPath: String) -> PersonalDataVault {
    guard let data = FileManager.default.contents(atPath: keyPath), data.count <= 200,
      let text = String(data: data, encoding: .utf8),
      let key = Hex.decode(text.trimmingCharacters(in: .whitespacesAndNewlines)), key.count == 32
    else { return PersonalDataVault(keyPath: keyPath, masterKey: nil) }
    return PersonalDataVault(keyPath: keyPath, masterKey: key)
  }

  public func requireKey() throws -> [UInt8] {
    guard let masterKey else {
      throw Rejection(
        "key_file_missing",
        "the personal-data key file \(Rejection.quote(keyPath)) is missing or malformed; personal data cannot be recorded without it"
      )
    }
    return masterKey
  }

  public func derivedKey(_ purpose: String) throws -> [UInt8] { Self.derive(try requireKey(), purpose) }

  private static func derive(_ masterKey: [UInt8], _ purpose: String) -> [UInt8] {
    HMACSHA256.mac(key: masterKey, message: Array("jianguan \(purpose)".utf8))
  }

  /// A key derived at `init`; without a master key, the rejection `requireKey` gives.
  private func derived(_ key: [UInt8]?, _ purpose: String) throws -> [UInt8] {
    try key ?? derivedKey(purpose)
  }

  /// The keyed commitment of an ID number, as hex. The first registration of a number is
  /// `generation` 1; a registration after every earlier one was erased takes the next generation,
  /// HMAC(key, "resident-id\n" ‖ ID ‖ "\n" ‖ generation), so that each commitment in the log names
  /// one registration and an erased one never joins the new one's data.
  public func commitment(idNumber: String, generation: Int = 1) throws -> String {
    let message = generation == 1 ? "resident-id\n\(idNumber)" : "resident-id\n\(idNumber)\n\(generation)"
    return Hex.encode(
      HMACSHA256.mac(key: try derived(commitmentKey, "commitment"), message: Array(message.utf8)))
  }

  /// Seals personal data: nonce ‖ ciphertext ‖ tag, bound to the commitment.
  public func seal(_ record: PersonalRecord, commitment: String) throws -> Data {
    let plaintext = [UInt8](try JSONEncoder().encode(record))
    let nonce = SecureRandom.bytes(12)
    let sealed = try AESGCM.seal(
      plaintext, key: try derived(sealingKey, "sealing"), nonce: nonce, aad: Array(commitment.utf8))
    return Data(nonce + sealed.ciphertext + sealed.tag)
  }

  public func open(_ sealed: Data, commitment: String) throws -> PersonalRecord {
    let bytes = [UInt8](sealed)
    guard bytes.count >= 28 else {
      throw Rejection("personal_data_damaged", "sealed personal data is too short")
    }
    let plaintext = try AESGCM.open(
      Array(bytes[12..<(bytes.count - 16)]), tag: Array(bytes[(bytes.count - 16)...]),
      key: try derived(sealingKey, "sealing"), nonce: Array(bytes[0..<12]), aad: Array(commitment.utf8))
    return try JSONDecoder().decode(PersonalRecord.self, from: Data(plaintext))
  }
}

/// The personal data of one person, only ever stored sealed.
public struct PersonalRecord: Codable, Equatable, Sendable {
  public var name: String
  public var idNumber: String
  public var phone: String?

  public init(name: String, idNumber: String, phone: String?) {
    self.name = name
    self.idNumber = idNumber
    self.phone = phone
  }
}

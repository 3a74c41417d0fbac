import JianguanCore
import JianguanCrypto

/// What a compliance plaque (合规码牌) states about one institution, signed as a C2SP signed
/// note with the log's checkpoint key and carried in the plaque's QR code. The text is eleven
/// lines, each ending in "\n", in this order (docs/PLAQUE-FORMAT.md):
///
///     jianguan plaque v1
///     origin <the log's checkpoint origin>
///     name <the institution's registered name>
///     uscc <18-character credit code>[ checksum-override]
///     licence <school-operation licence number, canonical, ending in 号>
///     bank <the supervising (escrow) bank>
///     account <the escrow account number>
///     status active|suspended|revoked
///     date <YYYY-MM-DD, China time, the day it was issued>
///     size <the tree size the status is read at>
///     root <base64 RFC 6962 root of that tree>
///
/// The first line differs from any checkpoint's second line (a size), so neither can be passed
/// off as the other although one key signs both.
public struct PlaqueStatement: Sendable, Equatable {
  /// The first line: names the format and its version.
  public static let formatLine = "jianguan plaque v1"
  /// The longest statement text accepted, in bytes.
  public static let maxTextBytes = 4096
  /// The most bytes a QR code holds (version 40, byte mode, level M): a signed note must fit.
  public static let maxQRBytes = 2331
  /// The longest origin, name and bank accepted, in characters (as `init` and registration take them).
  public static let maxOriginCharacters = 200
  public static let maxNameCharacters = 100

  /// An institution's status as the registry has it.
  public enum Status: String, Sendable, CaseIterable {
    case active, suspended, revoked
  }

  /// The log's identity (its checkpoints' origin line).
  public let origin: String
  public let name: String
  /// The credit code (GB 32100-2015).
  public let uscc: String
  /// True for a code registered with the logged override of a failing check character.
  public let usccChecksumOverride: Bool
  public let licence: String
  /// The supervising bank that holds the institution's escrow account.
  public let escrowBank: String
  /// The escrow account parents pay into: a parent checks that a payment request names it.
  public let escrowAccount: String
  public let status: Status
  /// The day the statement was issued (China time).
  public let date: CalendarDate
  /// The size of the tree whose state the statement reports.
  public let treeSize: Int64
  /// The RFC 6962 root of the tree of `treeSize` entries (32 bytes).
  public let rootHash: MerkleHash

  /// A statement from its parts, each checked by the rule `parse` applies, so that `format()`
  /// always gives a text `parse` accepts.
  public init(
    origin: String, name: String, uscc: String, usccChecksumOverride: Bool = false, licence: String,
    escrowBank: String, escrowAccount: String, status: Status, date: CalendarDate, treeSize: Int64,
    rootHash: MerkleHash
  ) throws {
    try Self.checkOrigin(origin)
    self.origin = origin
    self.name = try TextField.validate(name, field: "name", maxLength: Self.maxNameCharacters)
    let code = try USCC.parse(uscc, field: "uscc", acceptBadChecksum: usccChecksumOverride)
    if usccChecksumOverride && code.checksumValid {
      throw Rejection(
        "plaque_uscc_override_not_needed",
        "uscc \(Rejection.quote(uscc)) passes its check character, so the statement must not mark it checksum-override"
      )
    }
    self.uscc = code.value
    self.usccChecksumOverride = usccChecksumOverride
    let canonicalLicence = try LicenceNumber.validate(licence, field: "licence")
    guard canonicalLicence == licence else {
      throw Rejection(
        "plaque_licence_not_canonical",
        "licence \(Rejection.quote(licence)) is not in canonical form (\(canonicalLicence))")
    }
    self.licence = licence
    self.escrowBank = try TextField.validate(escrowBank, field: "bank", maxLength: Self.maxNameCharacters)
    self.escrowAccount = try EscrowAccountNumber.validate(escrowAccount, field: "account")
    self.status = status
    self.date = date
    guard treeSize >= 1 else {
      throw Rejection("plaque_size_invalid", "size \(treeSize) must be at least 1 (the log's genesis)")
    }
    self.treeSize = treeSize
    guard rootHash.count == Merkle.hashByteCount else {
      throw Rejection("plaque_root_invalid", "root is \(rootHash.count) bytes, not 32")
    }
    self.rootHash = rootHash
  }

  /// The statement's text: the eleven lines, each ending in "\n".
  public func format() -> String {
    lines().map { $0 + "\n" }.joined()
  }

  /// The lines as `format()` writes them, without their newlines.
  func lines() -> [String] {
    [
      Self.formatLine,
      "origin \(origin)",
      "name \(name)",
      "uscc \(uscc)\(usccChecksumOverride ? " \(Self.overrideMark)" : "")",
      "licence \(licence)",
      "bank \(escrowBank)",
      "account \(escrowAccount)",
      "status \(status.rawValue)",
      "date \(date)",
      "size \(treeSize)",
      "root \(rootHashBase64)",
    ]
  }

  /// The root hash as the statement writes it (padded standard base64).
  public var rootHashBase64: String { CanonicalBase64.encode(rootHash) }

  static let overrideMark = "checksum-override"
  static let labels = [
    "origin", "name", "uscc", "licence", "bank", "account", "status", "date", "size", "root",
  ]

  /// The statement signed as a note by `signer`, the log's checkpoint key; refused when the
  /// note would not fit in a QR code.
  public func signed(by signer: NoteSigner) throws -> SignedPlaque {
    let note = try SignedNote.sign(text: format(), signers: [signer])
    guard note.utf8.count <= Self.maxQRBytes else {
      throw Rejection(
        "plaque_too_large_for_qr",
        "the signed plaque statement of \(uscc) is \(note.utf8.count) bytes; a QR code holds at most \(Self.maxQRBytes) (shorten the origin or the key name)"
      )
    }
    return SignedPlaque(statement: self, note: note)
  }

  /// The origin's rule: a signed-note key name (no spaces, plus signs or control characters),
  /// 1 to `maxOriginCharacters` characters.
  static func checkOrigin(_ origin: String) throws {
    do {
      try NoteKeyText.checkName(origin)
    } catch {
      throw Rejection(
        "plaque_origin_invalid",
        "origin \(Rejection.quote(origin)) must be non-empty, without spaces, plus signs or control characters"
      )
    }
    guard origin.count <= maxOriginCharacters else {
      throw Rejection(
        "plaque_origin_invalid",
        "origin \(Rejection.quote(origin)) is longer than \(maxOriginCharacters) characters")
    }
  }
}

/// A plaque statement and the signed note of its text: what the QR code carries.
public struct SignedPlaque: Sendable, Equatable {
  public let statement: PlaqueStatement
  /// The signed note, exactly as signed: the QR code's content, byte for byte.
  public let note: String

  /// Opens a decoded plaque: the note must be signed by `verifier`, and its text must be a
  /// well-formed statement (`PlaqueStatement.parse`).
  public static func open(_ note: String, verifier: NoteVerifier) throws -> SignedPlaque {
    // A note ends with one newline; decoders such as `zbarimg --raw` print another after the text.
    guard !note.utf8.reversed().starts(with: [0x0a, 0x0a]) else {
      throw Rejection(
        "plaque_extra_newline",
        "the plaque text ends with an empty line: remove the newline the QR decoder added after the code's text (a signed note is checked byte for byte)"
      )
    }
    let (text, _) = try SignedNote.open(note, verifiers: [verifier])
    return SignedPlaque(statement: try PlaqueStatement.parse(text), note: note)
  }
}

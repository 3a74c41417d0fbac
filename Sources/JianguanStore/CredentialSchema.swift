import Foundation
import GRDB
import JianguanCrypto
import JianguanLedger

/// The platform service's credentials (migration "v7-credentials"): a projection of the log's
/// `credential.issued` and `credential.revoked` entries. Only the token's SHA-256 is kept.
enum CredentialSchema {
  static let v7 = """
    CREATE TABLE credentials (
      id TEXT PRIMARY KEY NOT NULL,
      role TEXT NOT NULL CHECK (role IN ('regulator', 'institution', 'parent', 'bank', 'auditor')),
      institution TEXT REFERENCES institutions(uscc),
      parent TEXT REFERENCES parents(id),
      bank TEXT,
      token_hash BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),
      seq INTEGER NOT NULL,
      revoked_seq INTEGER,
      revoked_reason TEXT
    ) STRICT;
    """

  static func project(_ event: CredentialEvent, seq: Int64, db: Database) throws {
    switch event {
    case .issued(let e):
      // The replay refuses a hash that is not 64 hex digits; the projection stores what decodes.
      let hash = Hex.decode(e.tokenHash) ?? []
      try db.run(
        """
        INSERT INTO credentials(id, role, institution, parent, bank, token_hash, seq)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        """, [e.id, e.role, e.institution, e.parent, e.bank, Data(hash), seq])
    case .revoked(let e):
      try db.run(
        "UPDATE credentials SET revoked_seq = ?, revoked_reason = ? WHERE id = ?", [seq, e.reason, e.id])
    }
  }
}

import GRDB
import JianguanLedger

/// The erasure of personal data (migration "v4-erasures"): which parents asked for it, and how a
/// `parent.erased` entry takes their data out of the `persons` table.
enum ErasureSchema {
  static let v4 = """
    -- Parents whose personal data (and their children's) was erased: a projection of parent.erased.
    CREATE TABLE erasures (
      parent TEXT PRIMARY KEY NOT NULL REFERENCES parents(id),
      seq INTEGER NOT NULL
    ) STRICT;
    """

  /// What `persons.masked_id` holds once the person's data is erased.
  static let erasedMark = ErasureOperation.erasedMark

  /// Records the erasure: the projection of `parent.erased`.
  static func record(parent: String, seq: Int64, db: Database) throws {
    try db.execute(sql: "INSERT INTO erasures(parent, seq) VALUES (?, ?)", arguments: [parent, seq])
  }

  /// Removes the sealed name, ID number and phone of the parent and of each child, and their
  /// masked ID numbers; the commitments stay (the ledger names them). With `secure_delete` on,
  /// SQLite overwrites the freed bytes with zeros. The store's side of `ErasureOperation`.
  static func erasePersons(ofParent parent: String, db: Database) throws {
    try db.execute(sql: "PRAGMA secure_delete = ON")
    try db.execute(
      sql: "UPDATE persons SET sealed = NULL, masked_id = ? WHERE commitment IN (\(familySQL))",
      arguments: [erasedMark, parent, parent])
  }

  /// The commitments of a parent (`?`) and of their children (`?`, the same id again).
  static let familySQL =
    "SELECT commitment FROM parents WHERE id = ? UNION SELECT commitment FROM students WHERE parent = ?"
}

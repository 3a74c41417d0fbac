import Foundation
import GRDB
import JianguanCore
import JianguanLedger

extension AppDatabase {
  /// Registers a parent real-name. The ledger gets only the keyed commitment of the ID number.
  public func registerParent(name: String, idNumber: String, phone: String, today: CalendarDate) throws
    -> Recorded
  {
    let nameText = try TextField.validate(name, field: "name", maxLength: 50, personal: true)
    let id = try ResidentID.parse(idNumber, field: "id-number", regions: reference.regions, today: today)
    try RegistryRules.checkParentAge(id, today: today, field: "id-number")
    let phoneText = try Self.validatePhone(phone)
    return try write { db in
      let commitment = try newPersonCommitment(id, db: db)
      let sealed = try vault.seal(
        PersonalRecord(name: nameText, idNumber: id.value, phone: phoneText), commitment: commitment)
      try db.run(
        "INSERT INTO persons(commitment, role, masked_id, sealed) VALUES (?, 'parent', ?, ?)",
        [commitment, id.masked, sealed])
      let parentID = try LedgerWriter.nextID("P", table: "parents", db: db)
      let seq = try appendToLog(
        .parentRegistered(ParentRegistered(id: parentID, commitment: commitment)), db: db)
      var recorded = Recorded(id: parentID, seq: seq)
      recorded.maskedIDNumber = id.masked
      return recorded
    }
  }

  /// Adds a student of a registered parent.
  public func addStudent(parent: String, name: String, idNumber: String, grade: String, today: CalendarDate)
    throws
    -> Recorded
  {
    let nameText = try TextField.validate(name, field: "name", maxLength: 50, personal: true)
    let id = try ResidentID.parse(idNumber, field: "id-number", regions: reference.regions, today: today)
    let gradeNumber = try Money.parseCount(grade, field: "grade", range: 0...12)
    return try write { db in
      guard
        try Bool.fetchOne(
          try db.cachedStatement(sql: "SELECT 1 FROM parents WHERE id = ?"), arguments: [parent]) == true
      else {
        throw Rejection("parent_unknown", "parent \(Rejection.quote(parent)) is not registered")
      }
      if try Bool.fetchOne(db, sql: "SELECT 1 FROM erasures WHERE parent = ?", arguments: [parent]) == true {
        throw Rejection(
          "parent_erased",
          "parent \(parent)'s personal data was erased; a student cannot be added to an erased parent")
      }
      let commitment = try newPersonCommitment(id, db: db)
      let sealed = try vault.seal(
        PersonalRecord(name: nameText, idNumber: id.value, phone: nil), commitment: commitment)
      try db.run(
        "INSERT INTO persons(commitment, role, masked_id, sealed) VALUES (?, 'student', ?, ?)",
        [commitment, id.masked, sealed])
      // After the person is known to be new, so that one registered twice hears that first; a
      // refusal here rolls the insert back.
      try RegistryRules.checkGrade(gradeNumber, id: id, today: today, field: "grade")
      let studentID = try LedgerWriter.nextID("S", table: "students", db: db)
      let event = StudentAdded(id: studentID, parent: parent, commitment: commitment, grade: gradeNumber)
      var recorded = Recorded(id: studentID, seq: try appendToLog(.studentAdded(event), db: db))
      recorded.maskedIDNumber = id.masked
      return recorded
    }
  }

  /// The most registrations one ID number may have, each after the erasure of the one before.
  static let registrationsPerPersonMax = 20

  /// The commitment a new registration of `id` takes: the first free generation, when every
  /// earlier registration of the number was erased (a child registered as a parent by mistake,
  /// erased, is then registered properly). A number whose last registration stands is refused.
  func newPersonCommitment(_ id: ResidentID, db: Database) throws -> String {
    for generation in 1...Self.registrationsPerPersonMax {
      let commitment = try vault.commitment(idNumber: id.value, generation: generation)
      guard
        let row = try Row.fetchOne(
          try db.cachedStatement(sql: "SELECT role, masked_id FROM persons WHERE commitment = ?"),
          arguments: [commitment])
      else { return commitment }
      let role: String = row["role"]
      guard (row["masked_id"] as String) == Self.erasedText else {
        throw Rejection(
          "person_already_registered",
          "id-number \(id.masked) is already registered (as a \(role)); a person is registered once")
      }
    }
    throw Rejection(
      "person_registered_too_often",
      "id-number \(id.masked) was registered and erased \(Self.registrationsPerPersonMax) times; it cannot be registered again"
    )
  }

  static func validatePhone(_ text: String) throws -> String {
    let digits = Array(text.utf8)
    guard digits.count == 11, digits.first == UInt8(ascii: "1"),
      digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
    else {
      // The number is personal data: the message names the rule, not the number.
      throw Rejection("phone_malformed", "phone must be an 11-digit mainland mobile number starting with 1")
    }
    return text
  }
}

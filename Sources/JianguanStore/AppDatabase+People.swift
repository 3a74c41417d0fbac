import Foundation
import GRDB
import JianguanCore
import JianguanLedger

extension AppDatabase {
  /// Registers a parent real-name. The ledger gets only the keyed commitment of the ID number.
  public func registerParent(name: String, idNumber: String, phone: String, today: CalendarDate) throws
    -> Recorded
  {
    try write { db in
      try Self.registerParent(
        name: name, idNumber: idNumber, phone: phone, today: today, regions: reference.regions, vault: vault,
        in: SQLTransaction(database: self, db: db))
    }
  }

  /// The same on any store: the form read, then `PeopleOperation` in `transaction`.
  public static func registerParent(
    name: String, idNumber: String, phone: String, today: CalendarDate, regions: RegionTable,
    vault: PersonalDataVault, in transaction: some LedgerTransaction
  ) throws -> Recorded {
    let nameText = try TextField.validate(name, field: "name", maxLength: 50, personal: true)
    let id = try ResidentID.parse(idNumber, field: "id-number", regions: regions, today: today)
    try RegistryRules.checkParentAge(id, today: today, field: "id-number")
    let phoneText = try Self.validatePhone(phone)
    var recorded = Recorded(
      try PeopleOperation.registerParent(
        name: nameText, id: id, phone: phoneText, vault: vault, in: transaction))
    recorded.maskedIDNumber = id.masked
    return recorded
  }

  /// Adds a student of a registered parent.
  public func addStudent(parent: String, name: String, idNumber: String, grade: String, today: CalendarDate)
    throws
    -> Recorded
  {
    try write { db in
      try Self.addStudent(
        parent: parent, name: name, idNumber: idNumber, grade: grade, today: today,
        regions: reference.regions,
        vault: vault, in: SQLTransaction(database: self, db: db))
    }
  }

  /// The same on any store.
  public static func addStudent(
    parent: String, name: String, idNumber: String, grade: String, today: CalendarDate, regions: RegionTable,
    vault: PersonalDataVault, in transaction: some LedgerTransaction
  ) throws -> Recorded {
    let nameText = try TextField.validate(name, field: "name", maxLength: 50, personal: true)
    let id = try ResidentID.parse(idNumber, field: "id-number", regions: regions, today: today)
    let gradeNumber = try Money.parseCount(grade, field: "grade", range: 0...12)
    var recorded = Recorded(
      try PeopleOperation.addStudent(
        parent: parent, name: nameText, id: id, grade: gradeNumber, today: today, vault: vault,
        in: transaction))
    recorded.maskedIDNumber = id.masked
    return recorded
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

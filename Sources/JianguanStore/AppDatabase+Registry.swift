import Foundation
import GRDB
import JianguanCore
import JianguanLedger

/// The form of `institution register`, as typed.
public struct InstitutionForm: Sendable {
  public var uscc = ""
  public var name = ""
  public var region = ""
  public var kind = ""
  public var category: String?
  public var nonprofit = false
  public var licence = ""
  public var licenceExpires = ""
  public var escrowBank = ""
  public var escrowAccount = ""
  public var mode: String?
  public var acceptBadChecksum: String?
  public init() {}
}

extension AppDatabase {
  /// Registers a licensed institution; its USCC is its id.
  public func registerInstitution(_ form: InstitutionForm, today: CalendarDate) throws -> Recorded {
    try write { db in
      Recorded(
        try Self.registerInstitution(
          form, today: today, regions: reference.regions, in: SQLTransaction(database: self, db: db)))
    }
  }

  /// The same on any store: the form read, then `RegistryOperation` in `transaction`.
  public static func registerInstitution(
    _ form: InstitutionForm, today: CalendarDate, regions: RegionTable, in transaction: some LedgerTransaction
  ) throws -> Appended {
    let uscc = try USCC.parse(form.uscc, field: "uscc", acceptBadChecksum: form.acceptBadChecksum != nil)
    var overrideReason: String?
    if let reason = form.acceptBadChecksum {
      overrideReason = try TextField.validateForLedger(reason, field: "accept-bad-checksum", maxLength: 200)
      if uscc.checksumValid {
        throw Rejection(
          "checksum_override_not_needed",
          "uscc \(Rejection.quote(uscc.value)) has a correct check character; --accept-bad-checksum is only for codes that fail it"
        )
      }
    }
    let name = try TextField.validateForLedger(form.name, field: "name", maxLength: 100)
    let region = try regions.validateCurrent(form.region, field: "region")
    guard region.level == .county || region.level == .prefecture else {
      throw Rejection(
        "region_not_local",
        "region \(Rejection.quote(form.region)) is a province; an institution is registered in a prefecture or county"
      )
    }
    guard ["subject", "non-subject"].contains(form.kind) else {
      throw Rejection("kind_unknown", "kind \(Rejection.quote(form.kind)) must be subject or non-subject")
    }
    var category: String?
    if let text = form.category {
      guard form.kind == "non-subject" else {
        throw Rejection(
          "category_for_subject", "category \(Rejection.quote(text)) applies to non-subject institutions only"
        )
      }
      category = try NonSubjectCategory.parse(text, field: "category").rawValue
    } else if form.kind == "non-subject" {
      throw Rejection(
        "category_missing", "category is required for a non-subject institution (体育, 文化艺术, 科技 or 其他)")
    }
    if form.kind == "subject" && !form.nonprofit {
      throw Rejection(
        "subject_must_be_nonprofit",
        "kind \"subject\" requires --nonprofit: subject-type training institutions must be non-profit (双减意见)")
    }
    let licence = try LicenceNumber.validate(form.licence, field: "license")
    let expires = try CalendarDate.parse(form.licenceExpires, field: "license-expires")
    guard expires > today else {
      throw Rejection(
        "licence_expired",
        "license-expires \(Rejection.quote(form.licenceExpires)) is not after today (\(today)): the licence has expired"
      )
    }
    let bank = try TextField.validateForLedger(form.escrowBank, field: "escrow-bank", maxLength: 100)
    let account = try EscrowAccountNumber.validate(form.escrowAccount, field: "escrow-account")
    let policy = try transaction.policy(forRegion: region.code)
    let mode = form.mode ?? policy.supervisionMode.rawValue
    guard ["escrow", "reserve"].contains(mode) else {
      throw Rejection("mode_unknown", "mode \(Rejection.quote(mode)) must be escrow or reserve")
    }
    let event = InstitutionRegistered(
      uscc: uscc.value, name: name, region: region.code, kind: form.kind, category: category,
      nonprofit: form.nonprofit, licence: licence, licenceExpires: expires.description, escrowBank: bank,
      escrowAccount: account, mode: mode, checksumOverrideReason: overrideReason)
    return try RegistryOperation.record(.institutionRegistered(event), id: uscc.value, in: transaction)
  }

  /// Suspends, reinstates or revokes an institution.
  public func changeInstitutionStatus(uscc text: String, to status: InstitutionStatus, reason: String) throws
    -> Recorded
  {
    try write { db in
      Recorded(
        try Self.changeInstitutionStatus(
          uscc: text, to: status, reason: reason, in: SQLTransaction(database: self, db: db)))
    }
  }

  /// The same on any store.
  public static func changeInstitutionStatus(
    uscc text: String, to status: InstitutionStatus, reason: String, in transaction: some LedgerTransaction
  ) throws -> Appended {
    let reasonText = try TextField.validateForLedger(reason, field: "reason", maxLength: 500)
    let event = InstitutionStatusChanged(uscc: text, status: status, reason: reasonText)
    return try RegistryOperation.record(.institutionStatusChanged(event), id: text, in: transaction)
  }

  struct InstitutionRow {
    let uscc: String
    let status: String
    let kind: String
    let region: String
    let escrowAccount: String
  }

  func requireInstitution(_ uscc: String, db: Database) throws -> InstitutionRow {
    guard
      let row = try Row.fetchOne(
        try db.cachedStatement(
          sql: "SELECT uscc, status, kind, region, escrow_account FROM institutions WHERE uscc = ?"),
        arguments: [uscc])
    else {
      throw Rejection("institution_unknown", "institution \(Rejection.quote(uscc)) is not registered")
    }
    return InstitutionRow(
      uscc: row["uscc"], status: row["status"], kind: row["kind"], region: row["region"],
      escrowAccount: row["escrow_account"])
  }

  /// Adds a venue of an institution.
  public func addVenue(institution: String, address: String, areaM2: String) throws -> Recorded {
    try write { db in
      Recorded(
        try Self.addVenue(
          institution: institution, address: address, areaM2: areaM2,
          in: SQLTransaction(database: self, db: db)))
    }
  }

  /// The same on any store.
  public static func addVenue(
    institution: String, address: String, areaM2: String, in transaction: some LedgerTransaction
  ) throws -> Appended {
    let addressText = try TextField.validateForLedger(address, field: "address", maxLength: 200)
    let area = try Money.parseCount(areaM2, field: "area-m2", range: 1...1_000_000)
    let id = try transaction.nextID(.venue)
    let event = VenueAdded(id: id, institution: institution, address: addressText, areaM2: area)
    return try RegistryOperation.record(.venueAdded(event), id: id, in: transaction)
  }

  /// Adds a teacher; in-service public-school teachers are refused.
  public func addTeacher(institution: String, name: String, certificate: String, inService: Bool) throws
    -> Recorded
  {
    try write { db in
      Recorded(
        try Self.addTeacher(
          institution: institution, name: name, certificate: certificate, inService: inService,
          in: SQLTransaction(database: self, db: db)))
    }
  }

  /// The same on any store.
  public static func addTeacher(
    institution: String, name: String, certificate: String, inService: Bool,
    in transaction: some LedgerTransaction
  ) throws -> Appended {
    let nameText = try TextField.validateForLedger(name, field: "name", maxLength: 50)
    let certificateText = try Self.validateCertificate(certificate)
    if inService {
      throw Rejection(
        "teacher_in_service",
        "teacher \(Rejection.quote(nameText)) is an in-service public-school teacher (在职教师), who may not teach at a training institution"
      )
    }
    let id = try transaction.nextID(.teacher)
    let event = TeacherAdded(id: id, institution: institution, name: nameText, certificate: certificateText)
    return try RegistryOperation.record(.teacherAdded(event), id: id, in: transaction)
  }

  static func validateCertificate(_ text: String) throws -> String {
    guard (6...30).contains(text.count), text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })
    else {
      throw Rejection(
        "certificate_malformed",
        "certificate \(Rejection.quote(text)) must be 6 to 30 letters or digits (教师资格证 number)")
    }
    return text
  }
}

import JianguanCore

/// A person registered under a commitment: their role, and whether their data was erased.
public struct RegisteredPerson: Sendable {
  public let role: String
  public let erased: Bool

  public init(role: String, erased: Bool) {
    self.role = role
    self.erased = erased
  }
}

/// Registering parents and their children real-name: the log gets only the keyed commitment of
/// each ID number, and the store keeps the personal data sealed, outside the log. The shape of
/// each field (a valid resident ID, a phone, the age and grade rules that need only the ID) was
/// checked where the form was read.
public enum PeopleOperation {
  /// The most registrations one ID number may have, each after the erasure of the one before.
  public static let registrationsPerPersonMax = 20

  public static func registerParent(
    name: String, id: ResidentID, phone: String, vault: PersonalDataVault, in store: some LedgerTransaction
  ) throws -> Appended {
    let commitment = try newCommitment(id, vault: vault, in: store)
    let sealed = try vault.seal(
      PersonalRecord(name: name, idNumber: id.value, phone: phone), commitment: commitment)
    try store.keepPerson(commitment: commitment, role: "parent", maskedID: id.masked, sealed: [UInt8](sealed))
    let parentID = try store.nextID(.parent)
    return Appended(
      id: parentID,
      seq: try store.append(.parentRegistered(ParentRegistered(id: parentID, commitment: commitment))))
  }

  public static func addStudent(
    parent: String, name: String, id: ResidentID, grade: Int64, today: CalendarDate, vault: PersonalDataVault,
    in store: some LedgerTransaction
  ) throws -> Appended {
    guard let erased = try store.parentErased(parent) else {
      throw Rejection("parent_unknown", "parent \(Rejection.quote(parent)) is not registered")
    }
    if erased {
      throw Rejection(
        "parent_erased",
        "parent \(parent)'s personal data was erased; a student cannot be added to an erased parent")
    }
    let commitment = try newCommitment(id, vault: vault, in: store)
    // After the person is known to be new, so that one registered twice hears that first.
    try RegistryRules.checkGrade(grade, id: id, today: today, field: "grade")
    let sealed = try vault.seal(
      PersonalRecord(name: name, idNumber: id.value, phone: nil), commitment: commitment)
    try store.keepPerson(
      commitment: commitment, role: "student", maskedID: id.masked, sealed: [UInt8](sealed))
    let studentID = try store.nextID(.student)
    let event = StudentAdded(id: studentID, parent: parent, commitment: commitment, grade: grade)
    return Appended(id: studentID, seq: try store.append(.studentAdded(event)))
  }

  /// The commitment a new registration of `id` takes: the first free generation, when every
  /// earlier registration of the number was erased (a child registered as a parent by mistake,
  /// erased, is then registered properly). A number whose last registration stands is refused.
  public static func newCommitment(
    _ id: ResidentID, vault: PersonalDataVault, in store: some LedgerTransaction
  )
    throws -> String
  {
    for generation in 1...registrationsPerPersonMax {
      let commitment = try vault.commitment(idNumber: id.value, generation: generation)
      guard let person = try store.person(commitment: commitment) else { return commitment }
      guard person.erased else {
        throw Rejection(
          "person_already_registered",
          "id-number \(id.masked) is already registered (as a \(person.role)); a person is registered once")
      }
    }
    throw Rejection(
      "person_registered_too_often",
      "id-number \(id.masked) was registered and erased \(registrationsPerPersonMax) times; it cannot be registered again"
    )
  }
}

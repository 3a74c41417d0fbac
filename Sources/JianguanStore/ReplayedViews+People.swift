import Foundation
import JianguanCore
import JianguanLedger

extension ReplayedViews {
  /// What the views of people read besides the replay's state: what the replay learnt of the
  /// entries (the entry that registered a person, that used a bank reference), an entry's event,
  /// and the sealed row under a commitment, all of one snapshot of the store.
  public struct Entries {
    public let lookups: EntryLookups
    public let event: (Int64) throws -> Event?
    public let person: (String) throws -> SealedPerson?

    public init(
      lookups: EntryLookups, event: @escaping (Int64) throws -> Event?,
      person: @escaping (String) throws -> SealedPerson?
    ) {
      (self.lookups, self.event, self.person) = (lookups, event, person)
    }
  }

  /// `parent show`: a parent and their children, names opened with `vault` (nil without the key),
  /// as `AppDatabase.parentView` shows them.
  public static func parent(
    _ parent: String, in state: LedgerState, _ entries: Entries, vault: PersonalDataVault
  )
    throws -> ParentView
  {
    let id = try AppDatabase.validateID(parent, field: "parent", prefix: "P")
    guard state.isParent(id), let seq = entries.lookups.registrationSeq(of: id),
      case .parentRegistered(let registered)? = try entries.event(seq),
      let person = try entries.person(registered.commitment)
    else { throw Rejection("parent_unknown", "parent \(Rejection.quote(id)) is not registered") }
    let record = personalRecord(person, vault: vault)
    let children = try entries.lookups.children(ofParent: id).compactMap { child -> ParentView.Child? in
      guard let added = try student(child, entries), let person = try entries.person(added.commitment) else {
        return nil
      }
      return ParentView.Child(
        id: child, maskedID: person.maskedID, name: personalRecord(person, vault: vault)?.name,
        grade: added.grade)
    }
    return ParentView(
      id: id, seq: seq, maskedID: person.maskedID, name: record?.name,
      maskedPhone: AppDatabase.maskedPhone(record), erasedSeq: state.parentFlows.erasedParents[id],
      children: children)
  }

  /// `student show`: a student's enrollments and refund applications, as
  /// `AppDatabase.studentHistory` shows them.
  public static func studentHistory(_ student: String, in state: LedgerState, _ entries: Entries) throws
    -> StudentHistory
  {
    let id = try AppDatabase.validateID(student, field: "student", prefix: "S")
    guard let parent = try state.parent(ofStudent: id), let added = try self.student(id, entries),
      let person = try entries.person(added.commitment), let studentSlot = state.studentIDs.slot(id)
    else { throw Rejection("student_unknown", "student \(Rejection.quote(id)) is not registered") }
    var enrollments: [(seq: Int64, enrollment: StudentEnrollment)] = []
    var ofStudent: Set<String> = []
    for slot in state.enrollmentRecords.indices {
      let record = state.enrollmentRecords[slot]
      guard record.exists, record.student == studentSlot else { continue }
      let enrollment = state.enrollmentIDs.id(Int32(slot))
      ofStudent.insert(enrollment)
      guard let classID = state.classID(ofEnrollment: Int32(slot)), let klass = state.classes[classID],
        let course = state.courses[klass.course],
        let paymentSeq = entries.lookups.seq(ofBankRef: state.bankRef(of: record)),
        case .payment(let payment)? = try entries.event(paymentSeq)
      else { continue }
      let balance = state.balance(Int32(slot))
      enrollments.append(
        (
          paymentSeq,
          StudentEnrollment(
            enrollment: enrollment, classID: classID, courseName: course.name,
            institution: state.institution(of: record), paidAt: payment.paidAt, amountFen: balance.amountFen,
            escrowFen: balance.escrowFen, refundedFen: balance.refundedFen, hoursBought: balance.hoursPaid,
            hoursTaught: balance.hoursConsumed, hoursPending: balance.hoursPending,
            hoursRefunded: balance.hoursRefunded, hoursReserved: balance.hoursReserved,
            hoursRemaining: balance.hoursRemaining, rating: state.parentFlows.ratings[enrollment]?.score)
        ))
    }
    let requests = try state.parentFlows.requests.filter { ofStudent.contains($0.value.enrollment) }.keys
      .sorted { number($0) < number($1) }.map { try refundRequest($0, in: state) }
    return StudentHistory(
      student: id, parent: parent, maskedID: person.maskedID, grade: added.grade,
      enrollments: enrollments.sorted { $0.seq < $1.seq }.map(\.enrollment), refundRequests: requests)
  }

  /// The entry that added student `id`.
  static func student(_ id: String, _ entries: Entries) throws -> StudentAdded? {
    guard let seq = entries.lookups.registrationSeq(of: id),
      case .studentAdded(let added)? = try entries.event(seq)
    else { return nil }
    return added
  }

  static func personalRecord(_ person: SealedPerson, vault: PersonalDataVault) -> PersonalRecord? {
    AppDatabase.personalRecord(
      sealed: person.sealed.map { Data($0) }, commitment: person.commitment, vault: vault)
  }
}

extension ReplayedViews {
  /// `contract show`: the `contract.issued` entry right after the enrollment's payment, with the
  /// terms the payment and the registry state (`ContractTerms`), as `AppDatabase.contract` shows it.
  public static func contract(
    enrollment: String, in state: LedgerState, _ entries: Entries, vault: PersonalDataVault
  ) throws -> ContractDocument {
    let id = try AppDatabase.validateID(enrollment, field: "enrollment", prefix: "E")
    guard let slot = state.enrollmentSlot(id), state.enrollmentRecords[Int(slot)].exists else {
      throw Rejection.enrollmentUnknown(id)
    }
    let bankRef = state.bankRef(of: state.enrollmentRecords[Int(slot)])
    guard let paymentSeq = entries.lookups.seq(ofBankRef: bankRef),
      case .payment(let payment)? = try entries.event(paymentSeq), payment.enrollment == id,
      let klass = try state.paymentClass(payment.classID)
    else {
      throw StoreIntegrityError(
        "the payment of enrollment \(id) is not where its bank reference says or names no class; run `jianguan audit`"
      )
    }
    guard case .parentFlow(.contractIssued(let contract))? = try entries.event(paymentSeq + 1),
      contract.enrollment == id
    else {
      throw Rejection(
        "contract_missing",
        "enrollment \(id) has no e-contract: it was paid before e-contracts were issued (ledger entries before contract.issued existed)"
      )
    }
    let terms = ContractTerms(contract: contract, payment: payment, klass: klass)
    func person(_ commitment: String?) throws -> (name: String?, maskedID: String) {
      guard let commitment, let person = try entries.person(commitment) else { return (nil, "(unknown)") }
      return (personalRecord(person, vault: vault)?.name, person.maskedID)
    }
    var parentCommitment: String?
    if let seq = entries.lookups.registrationSeq(of: terms.parent),
      case .parentRegistered(let registered)? = try entries.event(seq)
    {
      parentCommitment = registered.commitment
    }
    let student = try self.student(terms.student, entries)
    return ContractDocument(
      terms: terms, seq: paymentSeq + 1, parent: try person(parentCommitment),
      student: try person(student?.commitment), grade: student?.grade ?? 0)
  }
}

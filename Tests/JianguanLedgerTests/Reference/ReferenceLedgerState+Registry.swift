import JianguanCore
import JianguanLedger

/// The registry's state questions, answered by scanning the reference's records in log order:
/// another way to the answers the compact replay keeps in maps.
extension ReferenceLedgerState: RegistryState {
  func bureauRegion() throws -> String { genesisRegion }

  func registeredInstitution(_ uscc: String) throws -> RegisteredInstitution? {
    guard let state = institutions[uscc], let terms = registrations.last(where: { $0.uscc == uscc }) else {
      return nil
    }
    return RegisteredInstitution(
      uscc: uscc, status: state.status, kind: terms.kind, region: terms.region, category: terms.category)
  }

  func licenceHolder(_ licence: String) throws -> String? {
    registrations.first { $0.licence == licence }?.uscc
  }

  func escrowAccountHolder(digits: String) throws -> String? {
    registrations.first { $0.escrowAccount.replacingOccurrences(of: "-", with: "") == digits }?.uscc
  }

  func certificateHolder(_ certificate: String) throws -> (teacher: String, institution: String)? {
    teacherRecords.first { $0.certificate == certificate }.map { ($0.id, $0.institution) }
  }

  func escrowHeld(byInstitution uscc: String) throws -> (count: Int64, fen: Int64) {
    let held = enrollments.values.filter { $0.institution == uscc && $0.balance.escrowFen > 0 }
    return (Int64(held.count), held.reduce(0) { $0 + $1.balance.escrowFen })
  }

  func owner(ofVenue id: String) throws -> String? { venues[id] }
  func owner(ofTeacher id: String) throws -> String? { teachers[id] }
  func registeredCourse(_ id: String) throws -> CourseAdded? { courses[id] }

  func classes(ofTeacher teacher: String, orVenue venue: String, overlapping starts: String, _ ends: String)
    throws -> [ScheduledClass]
  {
    classRecords.filter {
      ($0.teacher == teacher || $0.venue == venue) && $0.starts <= ends && $0.ends >= starts
        && classes[$0.id] == $0
    }.map {
      ScheduledClass(
        id: $0.id, teacher: $0.teacher, venue: $0.venue, starts: $0.starts, ends: $0.ends,
        schedule: $0.schedule)
    }
  }
}

import Foundation
import JianguanCore
import JianguanCrypto
import JianguanStore

/// `POST /v1/institutions`: the options of `institution register`, camel-cased.
struct InstitutionBody: RequestBody {
  static let fieldNames = [
    "uscc", "name", "region", "kind", "category", "nonprofit", "license", "licenseExpires", "escrowBank",
    "escrowAccount", "mode", "acceptBadChecksum",
  ]
  let uscc: String
  let name: String
  let region: String
  let kind: String
  let category: String?
  let nonprofit: Bool?
  let license: String
  let licenseExpires: String
  let escrowBank: String
  let escrowAccount: String
  let mode: String?
  let acceptBadChecksum: String?

  var form: InstitutionForm {
    var form = InstitutionForm()
    form.uscc = uscc
    form.name = name
    form.region = region
    form.kind = kind
    form.category = category
    form.nonprofit = nonprofit ?? false
    form.licence = license
    form.licenceExpires = licenseExpires
    form.escrowBank = escrowBank
    form.escrowAccount = escrowAccount
    form.mode = mode
    form.acceptBadChecksum = acceptBadChecksum
    return form
  }
}

/// `POST /v1/institutions/{uscc}/close`.
struct CloseBody: RequestBody {
  static let fieldNames = ["reason", "bankRefPrefix"]
  let reason: String
  let bankRefPrefix: String
}

/// `POST /v1/venues`.
struct VenueBody: RequestBody {
  static let fieldNames = ["institution", "address", "areaM2"]
  let institution: String
  let address: String
  let areaM2: Int64
}

/// `POST /v1/teachers`.
struct TeacherBody: RequestBody {
  static let fieldNames = ["institution", "name", "certificate", "inService"]
  let institution: String
  let name: String
  let certificate: String
  let inService: Bool?
}

/// `POST /v1/courses`: the price per class hour in fen, as every amount of the service.
struct CourseBody: RequestBody {
  static let fieldNames = [
    "institution", "name", "subject", "category", "delivery", "lessonMinutes", "hours", "pricePerHourFen",
    "classSize",
  ]
  let institution: String
  let name: String
  let subject: String?
  let category: String?
  let delivery: String
  let lessonMinutes: Int64
  let hours: Int64
  let pricePerHourFen: Int64
  let classSize: String?

  var form: CourseForm {
    var form = CourseForm()
    form.institution = institution
    form.name = name
    form.subject = subject
    form.category = category
    form.delivery = delivery
    form.lessonMinutes = String(lessonMinutes)
    form.hours = String(hours)
    // The store parses yuan as typed; a zero or negative price is refused there by its rule.
    form.pricePerHour = Money.formatYuan(pricePerHourFen)
    form.classSize = classSize
    return form
  }
}

/// `POST /v1/classes`.
struct ClassBody: RequestBody {
  static let fieldNames = ["course", "venue", "teacher", "capacity", "starts", "ends", "schedule"]
  let course: String
  let venue: String
  let teacher: String
  let capacity: Int64
  let starts: String
  let ends: String
  let schedule: String

  var form: ClassForm {
    var form = ClassForm()
    form.course = course
    form.venue = venue
    form.teacher = teacher
    form.capacity = String(capacity)
    form.starts = starts
    form.ends = ends
    form.schedule = schedule
    return form
  }
}

/// A body carrying a person's name, ID number and phone: the idempotency cache keeps only a
/// hash of it, never the data.
protocol PersonalRequestBody: RequestBody {}

extension PersonalRequestBody {
  func fingerprint(_ route: String) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    return route + " " + Hex.encode(SHA256.hash((try? encoder.encode(self)) ?? Data()))
  }
}

/// `POST /v1/parents`: sealed by the store as `parent register` does.
struct ParentBody: PersonalRequestBody {
  static let fieldNames = ["name", "idNumber", "phone"]
  let name: String
  let idNumber: String
  let phone: String
}

/// `POST /v1/students`.
struct StudentBody: PersonalRequestBody {
  static let fieldNames = ["parent", "name", "idNumber", "grade"]
  let parent: String
  let name: String
  let idNumber: String
  let grade: Int64
}

/// `POST /v1/parents/{id}/erase`: the right to erasure, as `parent erase --reason … --yes-erase`.
struct EraseBody: RequestBody {
  static let fieldNames = ["reason", "confirm"]
  let reason: String?
  let confirm: Bool?
}

/// `POST /v1/settle`: `{}` settles as of today.
struct SettleBody: RequestBody {
  static let fieldNames = ["asOf"]
  let asOf: String?
}

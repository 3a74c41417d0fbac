import GRDB
import JianguanCore
import JianguanLedger

/// A class session as recorded: the lesson of each student present, and who was absent.
public struct ClassSession: Sendable {
  public let classID: String
  /// One per student present, in the order they paid; `repeated` when it was already recorded.
  public let lessons: [Recorded]
  /// The enrollment each lesson is of, in the same order.
  public let enrollments: [String]
  public let absent: [String]
}

extension AppDatabase {
  /// The most students `--absent` may name.
  static let absentStudentsMax = 500

  /// The refusals of a session's lesson that concern one student's enrollment, not the class.
  static let studentRefusalCodes: Set<String> = [
    "lesson_exists_with_different_hours", "lesson_before_payment", "lesson_hours_exceed_remaining",
  ]

  /// Records one class session: a lesson of `hours` for every student holding hours in the class,
  /// except those `absent`, in one transaction. One refused lesson refuses the whole session.
  public func recordClassSession(
    classID: String, hours: String, taughtAt: String, absent: [String], now: LocalDateTime
  ) throws -> ClassSession {
    let session = try parseClassSession(
      classID: classID, hours: hours, taughtAt: taughtAt, absent: absent, now: now)
    return try write { db in try recordClassSession(session, db: db) }
  }

  /// A session request after its fields were parsed.
  struct ParsedClassSession {
    let classID: String
    let hours: Int64
    let taught: LocalDateTime
    let absent: [String]
  }

  func parseClassSession(
    classID: String, hours: String, taughtAt: String, absent: [String], now: LocalDateTime,
    fields: (classID: String, hours: String, taughtAt: String, absent: String) = (
      "class", "hours", "taught-at", "absent"
    )
  ) throws -> ParsedClassSession {
    let id = try Self.validateID(classID, field: fields.classID, prefix: "B")
    // The lesson rules parse hours and time; the enrollment is checked per student later.
    let lesson = try Self.parseLesson(
      enrollment: "E1", hours: hours, taughtAt: taughtAt, now: now,
      fields: ("enrollment", fields.hours, fields.taughtAt))
    guard absent.count <= Self.absentStudentsMax else {
      throw Rejection(
        "absent_list_too_long",
        "\(fields.absent) names \(absent.count) students; at most \(Self.absentStudentsMax)")
    }
    var seen = Set<String>()
    for student in absent {
      do { _ = try Self.validateID(student, field: "student", prefix: "S") } catch let rejection as Rejection
      {
        throw Rejection(rejection.code, "\(fields.absent) \(rejection.message)")
      }
      guard seen.insert(student).inserted else {
        throw Rejection("absent_student_repeated", "\(fields.absent) names student \(student) twice")
      }
    }
    return ParsedClassSession(classID: id, hours: lesson.hours, taught: lesson.taught, absent: absent)
  }

  /// The session's lessons inside the caller's transaction. Each student present gets one lesson,
  /// of the enrollment that already has this session's lesson (a repeated session), else of their
  /// earliest enrollment in the class with hours left.
  func recordClassSession(_ session: ParsedClassSession, db: Database) throws -> ClassSession {
    guard try db.value("SELECT 1 FROM classes WHERE id = ?", [session.classID]) as Int64? != nil else {
      throw Rejection("class_unknown", "class \(Rejection.quote(session.classID)) does not exist")
    }
    let rows = try Row.fetchAll(
      db.cachedStatement(
        sql: """
          SELECT x.id, x.student, EXISTS (SELECT 1 FROM lessons l WHERE l.enrollment = x.id AND l.taught_at = ?) AS held
          FROM enrollments x WHERE x.class = ?
            AND (\(ViewKind.hoursLeft) > 0
              OR EXISTS (SELECT 1 FROM lessons l WHERE l.enrollment = x.id AND l.taught_at = ?))
          ORDER BY x.rowid
          """), arguments: [session.taught.description, session.classID, session.taught.description])
    var enrollmentByStudent: [String: String] = [:]
    var students: [String] = []
    for row in rows {
      let student: String = row["student"]
      let held: Bool = row["held"]
      if enrollmentByStudent[student] == nil { students.append(student) }
      if enrollmentByStudent[student] == nil || held { enrollmentByStudent[student] = row["id"] }
    }
    for student in session.absent where enrollmentByStudent[student] == nil {
      throw Rejection(
        "absent_student_not_in_class",
        "absent student \(student) holds no hours in class \(session.classID); `class show \(session.classID)` lists its roster"
      )
    }
    let present = students.filter { !session.absent.contains($0) }
    guard !present.isEmpty else {
      throw Rejection(
        "class_session_without_students",
        "class \(session.classID) has no student present holding hours at \(session.taught); nothing to record"
      )
    }
    var lessons: [Recorded] = []
    var enrollments: [String] = []
    for student in present {
      let enrollment = enrollmentByStudent[student]!
      do {
        lessons.append(
          try recordLesson(
            LessonRequest(enrollment: enrollment, hours: session.hours, taught: session.taught), db: db))
        enrollments.append(enrollment)
      } catch let rejection as Rejection {
        // Only a refusal about this student's enrollment is helped by marking them absent; a rule
        // of the class (its slots, term, time rules, calendar, institution) refuses every student.
        guard Self.studentRefusalCodes.contains(rejection.code) else {
          throw Rejection(
            rejection.code, "class \(session.classID): \(rejection.message); nothing was recorded")
        }
        throw Rejection(
          rejection.code,
          "class \(session.classID), enrollment \(enrollment) of student \(student): \(rejection.message); nothing was recorded (mark the student --absent to record the others)"
        )
      }
    }
    return ClassSession(
      classID: session.classID, lessons: lessons, enrollments: enrollments, absent: session.absent)
  }

  /// A row of `import sessions` (class,hours,taught_at,absent): one whole session. It counts as
  /// already there when every lesson of it was.
  func importSessionRow(_ fields: [String], now: LocalDateTime, db: Database) throws -> Recorded {
    let absent =
      fields[3].isEmpty
      ? [] : fields[3].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    let session = try parseClassSession(
      classID: fields[0], hours: fields[1], taughtAt: fields[2], absent: absent, now: now,
      fields: ("class", "hours", "taught_at", "absent"))
    let recorded = try recordClassSession(session, db: db)
    let added = recorded.lessons.filter { !$0.repeated }
    return Recorded(
      id: session.classID, seq: added.last?.seq ?? recorded.lessons.last?.seq ?? 0, repeated: added.isEmpty)
  }
}

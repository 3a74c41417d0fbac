import Foundation
import GRDB
import JianguanCore
import JianguanLedger

/// Updates the projection tables for one event, in the transaction of its append. The audit runs
/// every entry through it again into a scratch database and compares every table
/// (`AppDatabase+AuditTables`), and replays the log (`LedgerState`) against the rules.
enum Projector {
  /// Projects the event of entry `seq`, whose time is `time` (`YYYY-MM-DDTHH:MM:SSZ`).
  static func apply(_ event: Event, seq: Int64, time: String, db: Database) throws {
    switch event {
    case .genesis(let e):
      // Whose database this is: a projection of genesis like every other table, so the audit
      // rebuilds and checks it too.
      try db.run(
        "INSERT INTO meta(key, value) VALUES ('authority', ?), ('region', ?), ('origin', ?)",
        [e.authority, e.region, e.origin])
    case .policy(let e):
      try db.run("INSERT INTO policy_books(seq, document) VALUES (?, ?)", [seq, e.document])
    case .calendar(let e):
      func list(_ days: [CalendarDate]) -> String { days.map(\.description).joined(separator: ",") }
      try db.run(
        "INSERT INTO calendar_years(year, weekdays_off, weekends_worked, seq) VALUES (?, ?, ?, ?)",
        [e.year, list(e.weekdaysOff), list(e.weekendsWorked), seq])
    case .institutionRegistered(let e):
      try db.run(
        """
        INSERT INTO institutions(uscc, name, region, kind, category, nonprofit, licence, licence_expires,
          escrow_bank, escrow_account, mode, status, checksum_override_reason, seq)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)
        """,
        [
          e.uscc, e.name, e.region, e.kind, e.category, e.nonprofit, e.licence, e.licenceExpires,
          e.escrowBank,
          e.escrowAccount, e.mode, e.checksumOverrideReason, seq,
        ])
    case .institutionStatusChanged(let e):
      let status = e.status == .reinstated ? "active" : e.status.rawValue
      try db.run(
        "UPDATE institutions SET status = ?, status_reason = ? WHERE uscc = ?", [status, e.reason, e.uscc])
    case .venueAdded(let e):
      try db.run(
        "INSERT INTO venues(id, institution, address, area_m2, seq) VALUES (?, ?, ?, ?, ?)",
        [e.id, e.institution, e.address, e.areaM2, seq])
    case .teacherAdded(let e):
      try db.run(
        "INSERT INTO teachers(id, institution, name, certificate, seq) VALUES (?, ?, ?, ?, ?)",
        [e.id, e.institution, e.name, e.certificate, seq])
    case .courseAdded(let e):
      try db.run(
        """
        INSERT INTO courses(id, institution, name, subject, category, delivery, lesson_minutes, hours,
          price_per_hour_fen, class_size, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        [
          e.id, e.institution, e.name, e.subject, e.category, e.delivery, e.lessonMinutes, e.hours,
          e.pricePerHourFen, e.classSize, seq,
        ])
    case .classAdded(let e):
      try db.run(
        """
        INSERT INTO classes(id, course, institution, venue, teacher, capacity, starts, ends, schedule, seq)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        [
          e.id, e.course, e.institution, e.venue, e.teacher, e.capacity, e.starts, e.ends, e.schedule, seq,
        ])
    case .parentRegistered(let e):
      try db.run(
        "INSERT INTO parents(id, commitment, seq) VALUES (?, ?, ?)", [e.id, e.commitment, seq])
    case .studentAdded(let e):
      try db.run(
        "INSERT INTO students(id, parent, commitment, grade, seq) VALUES (?, ?, ?, ?, ?)",
        [e.id, e.parent, e.commitment, e.grade, seq])
    case .payment(let e):
      try RawStatement(
        """
        INSERT INTO enrollments(id, student, parent, class, institution, bank_ref, paid_at, hours_paid,
          amount_fen, escrow_fen, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """, db: db
      ).execute(
        .text(e.enrollment), .text(e.student), .text(e.parent), .text(e.classID), .text(e.institution),
        .text(e.bankRef), .text(e.paidAt), .integer(e.hours), .integer(e.amountFen), .integer(e.amountFen),
        .integer(seq))
      try enrollmentAdded(e.enrollment, classID: e.classID, student: e.student, hours: e.hours, db: db)
      try rememberBankRef(e.bankRef, seq: seq, db: db)
    case .lessonRecorded(let e):
      try db.run(
        """
        INSERT INTO lessons(id, enrollment, hours, taught_at, taught_on, status, seq, recorded_on)
        VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)
        """,
        [
          e.lesson, e.enrollment, e.hours, e.taughtAt, String(e.taughtAt.prefix(10)), seq,
          try LocalDateTime.parse(time, field: "time").date.description,
        ])
      try db.run(
        "UPDATE enrollments SET hours_pending = hours_pending + ? WHERE id = ?", [e.hours, e.enrollment])
    case .lessonReleased(let e):
      let hours =
        try Int64.fetchOne(
          try db.cachedStatement(sql: "SELECT hours FROM lessons WHERE id = ?"), arguments: [e.lesson]) ?? 0
      try db.run(
        "UPDATE lessons SET status = 'released', released_fen = ? WHERE id = ?", [e.amountFen, e.lesson])
      try heldHoursWillEnd(e.enrollment, consumed: hours, refunded: 0, db: db)
      try db.run(
        """
        UPDATE enrollments SET hours_pending = hours_pending - ?, hours_consumed = hours_consumed + ?,
          released_fen = released_fen + ?, escrow_fen = escrow_fen - ? WHERE id = ?
        """, [hours, hours, e.amountFen, e.amountFen, e.enrollment])
    case .lessonDisputed(let e):
      try db.run(
        "UPDATE lessons SET status = 'disputed', reason = ? WHERE id = ?", [e.reason, e.lesson])
    case .lessonVoided(let e):
      let row = try Row.fetchOne(
        try db.cachedStatement(sql: "SELECT enrollment, hours FROM lessons WHERE id = ?"),
        arguments: [e.lesson])
      try db.run(
        "UPDATE lessons SET status = 'voided', reason = ? WHERE id = ?", [e.reason, e.lesson])
      if let row {
        try db.run(
          "UPDATE enrollments SET hours_pending = hours_pending - ? WHERE id = ?",
          [row["hours"] as Int64, row["enrollment"] as String])
      }
    case .refund(let e):
      try db.run(

        "INSERT INTO refunds(id, enrollment, bank_ref, hours, amount_fen, reason, seq) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [e.refund, e.enrollment, e.bankRef, e.hours, e.amountFen, e.reason, seq])
      try heldHoursWillEnd(e.enrollment, consumed: 0, refunded: e.hours, db: db)
      try db.run(
        """
        UPDATE enrollments SET hours_refunded = hours_refunded + ?, refunded_fen = refunded_fen + ?,
          escrow_fen = escrow_fen - ? WHERE id = ?
        """, [e.hours, e.amountFen, e.amountFen, e.enrollment])
      try rememberBankRef(e.bankRef, seq: seq, db: db)
      if let request = e.request {
        try db.run("UPDATE refund_requests SET refund = ?, seq = ? WHERE id = ?", [e.refund, seq, request])
      }
    case .supervisionAction, .supervisionMeasure, .findingAdded, .findingRectified, .findingVerified,
      .complaintFiled, .complaintResolved:
      try SupervisionProjector.apply(event, seq: seq, db: db)
    case .parentFlow(let flow):
      try ParentFlowProjector.apply(flow, seq: seq, db: db)
    case .transparency(.keyNamed(let e)):
      try db.run(
        """
        INSERT INTO meta(key, value) VALUES ('checkpoint_key', ?)
        ON CONFLICT(key) DO UPDATE SET value = excluded.value
        """, [e.verifierKey])
    case .credential(let event):
      try CredentialSchema.project(event, seq: seq, db: db)
    case .transparency(.checkpointSigned(let e)):
      // The stored checkpoint is this entry's note, verified with the key the log names.
      let key: String = try db.value("SELECT value FROM meta WHERE key = 'checkpoint_key'") ?? ""
      let verifier = try NoteVerifier(verifierKeyText: key)
      let checkpoint = try Checkpoint.open(e.note, verifiers: [verifier]).checkpoint
      try db.run(
        "INSERT INTO checkpoints(size, root_hash, note, verifier_key, signed_at) VALUES (?, ?, ?, ?, ?)",
        [checkpoint.size, Data(checkpoint.rootHash), e.note, key, e.signedAt])
    }
  }

  /// A bank reference and the entry that used it; what for is in that entry (`earlierUse`).
  static func rememberBankRef(_ ref: String, seq: Int64, db: Database) throws {
    try RawStatement("INSERT INTO bank_refs(ref, seq) VALUES (?, ?)", db: db).execute(
      .text(ref), .integer(seq))
  }
}

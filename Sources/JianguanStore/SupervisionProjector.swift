import GRDB
import JianguanCore
import JianguanLedger

/// Updates the supervision tables for one supervision entry, in the transaction of its append.
enum SupervisionProjector {
  static func apply(_ event: Event, seq: Int64, db: Database) throws {
    switch event {
    case .supervisionAction(let entry):
      let action = entry.body
      try insertItem(
        entry.id, type: "action", record: action, kind: nil, title: action.title, payload: event.payload,
        seq: seq,
        figures: [
          action.personVisits, action.teams, action.institutionsChecked, action.problemCount,
          action.refundsFen,
          action.finesFen, action.studentsRedistributed,
        ], db: db)
      for group in action.problems {
        try db.run(
          "INSERT INTO supervision_problems(item, category, count, actions, follow_up) VALUES (?, ?, ?, ?, ?)",
          [
            entry.id, group.category.rawValue, group.count,
            group.actions.map(\.rawValue).joined(separator: ","),
            group.followUp.rawValue,
          ])
      }
    case .supervisionMeasure(let entry):
      let measure = entry.body
      try insertItem(
        entry.id, type: "measure", record: measure, kind: measure.kind.rawValue, title: measure.title,
        payload: event.payload, seq: seq, figures: [nil, nil, nil, 0, nil, nil, nil], db: db)
    case .findingAdded(let entry):
      let finding = entry.body
      try db.run(
        """
        INSERT INTO findings(id, date, region, institution, operator_name, operator_address, category, actions,
          deadline, fine_fen, refunds_fen, students_redistributed, inspection, note, status, seq, last_seq)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)
        """,
        [
          entry.id, finding.date.description, finding.region, finding.institution, finding.operatorName,
          finding.operatorAddress, finding.category.rawValue,
          finding.actions.map(\.rawValue).joined(separator: ","),
          finding.deadline?.description, finding.fineFen, finding.refundsFen, finding.studentsRedistributed,
          finding.inspection, finding.note, seq, seq,
        ])
    case .findingRectified(let entry):
      try db.run(
        "UPDATE findings SET status = 'rectified', rectified_on = ?, last_seq = ? WHERE id = ?",
        [entry.body.date.description, seq, entry.id])
    case .findingVerified(let entry):
      try db.run(
        "UPDATE findings SET status = 'verified', verified_on = ?, last_seq = ? WHERE id = ?",
        [entry.body.date.description, seq, entry.id])
    case .complaintFiled(let entry):
      let complaint = entry.body
      try db.run(
        """
        INSERT INTO complaints(id, date, channel, region, institution, operator_name, category, summary, parent,
          channel_ref, status, seq, last_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)
        """,
        [
          entry.id, complaint.date.description, complaint.channel.rawValue, complaint.region,
          complaint.institution,
          complaint.operatorName, complaint.category?.rawValue, complaint.summary, complaint.parent,
          complaint.channelRef, seq, seq,
        ])
    case .complaintResolved(let entry):
      let resolution = entry.body
      try db.run(
        """
        UPDATE complaints SET status = 'resolved', resolved_on = ?, outcome = ?, resolution_note = ?, refunds_fen = ?,
          last_seq = ? WHERE id = ?
        """,
        [
          resolution.date.description, resolution.outcome.rawValue, resolution.note, resolution.refundsFen,
          seq, entry.id,
        ])
    default:
      break
    }
  }

  /// Inserts an action or measure; `figures` are person-visits, teams, institutions checked,
  /// problems, refunds, fines and students redistributed, in that order.
  static func insertItem(
    _ id: String, type: String, record: some NarratedRecord, kind: String?, title: String?,
    payload: JSONValue,
    seq: Int64, figures: [Int64?], db: Database
  ) throws {
    try db.run(
      """
      INSERT INTO supervision_items(id, type, date, region, kind, title, experience, departments, person_visits, teams,
        institutions_checked, problems, refunds_fen, fines_fen, students_redistributed, record, seq)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      """,
      [
        id, type, record.date.description, record.region, kind, title, record.experience,
        record.departmentCount ?? Int64(record.departments.count), figures[0], figures[1], figures[2],
        figures[3] ?? 0,
        figures[4], figures[5], figures[6], payload.canonicalText, seq,
      ])
    for figure in record.figures {
      try db.run(
        "INSERT INTO supervision_figures(item, key, value, label) VALUES (?, ?, ?, ?)",
        [id, figure.key, figure.value, figure.label])
    }
  }
}

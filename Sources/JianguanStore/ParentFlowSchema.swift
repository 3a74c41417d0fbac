/// The tables of the parent and institution flows (migration "v3-parent-flows"): projections of
/// `contract.issued`, `refund-request.*` and `rating.added`, and the hours that open refund
/// applications hold on each enrollment.
enum ParentFlowSchema {
  static let v3 = """
    ALTER TABLE enrollments ADD COLUMN hours_reserved INTEGER NOT NULL DEFAULT 0
      CHECK (hours_reserved >= 0);

    -- The terms of each payment's e-contract (GF-2021-2604), as the canonical payload of its entry.
    CREATE TABLE contracts (
      enrollment TEXT PRIMARY KEY NOT NULL REFERENCES enrollments(id),
      institution TEXT NOT NULL REFERENCES institutions(uscc),
      terms TEXT NOT NULL,
      seq INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE refund_requests (
      id TEXT PRIMARY KEY NOT NULL,
      enrollment TEXT NOT NULL REFERENCES enrollments(id),
      hours INTEGER NOT NULL CHECK (hours >= 1),
      all_remaining INTEGER NOT NULL,
      reason TEXT NOT NULL,
      requested_at TEXT NOT NULL,
      requested_on TEXT NOT NULL,
      answer_due TEXT NOT NULL,
      payment_bank_ref TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('open', 'agreed', 'refused', 'escalated')),
      basis TEXT,
      answer_reason TEXT,
      answered_on TEXT,
      escalation_reason TEXT,
      refund TEXT,
      seq INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX refund_requests_open ON refund_requests(status, answer_due);
    CREATE INDEX refund_requests_enrollment ON refund_requests(enrollment);

    CREATE TABLE ratings (
      enrollment TEXT PRIMARY KEY NOT NULL REFERENCES enrollments(id),
      institution TEXT NOT NULL REFERENCES institutions(uscc),
      score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
      comment TEXT,
      rated_on TEXT NOT NULL,
      seq INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX ratings_institution ON ratings(institution);
    """
}

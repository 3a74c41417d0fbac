import GRDB

/// The database schema. Migrations are never edited once shipped: a change is a new migration.
enum Schema {
  static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1-ledger-and-registry") { db in
      try db.execute(
        sql: """
          CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) STRICT;

          -- The log: the exact canonical bytes of each entry (UTF-8 text) and their SHA-256.
          CREATE TABLE ledger (
            seq INTEGER PRIMARY KEY NOT NULL,
            kind TEXT NOT NULL,
            entry TEXT NOT NULL,
            hash BLOB NOT NULL
          ) STRICT;
          CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger
            BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: entries cannot be changed'); END;
          CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger
            BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: entries cannot be deleted'); END;

          -- Merkle stored hashes (RFC 6962 tree): leaf and complete-subtree hashes by stored index.
          CREATE TABLE merkle_hashes (idx INTEGER PRIMARY KEY NOT NULL, hash BLOB NOT NULL) STRICT;
          CREATE TRIGGER merkle_no_update BEFORE UPDATE ON merkle_hashes
            BEGIN SELECT RAISE(ABORT, 'Merkle hashes are append-only'); END;
          CREATE TRIGGER merkle_no_delete BEFORE DELETE ON merkle_hashes
            BEGIN SELECT RAISE(ABORT, 'Merkle hashes are append-only'); END;

          -- Bank references already used, with the digest of the request's business content.
          CREATE TABLE bank_refs (
            ref TEXT PRIMARY KEY NOT NULL,
            seq INTEGER NOT NULL,
            kind TEXT NOT NULL,
            content TEXT NOT NULL,
            result_id TEXT NOT NULL
          ) STRICT;

          CREATE TABLE institutions (
            uscc TEXT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL,
            region TEXT NOT NULL,
            kind TEXT NOT NULL,
            category TEXT,
            nonprofit INTEGER NOT NULL,
            licence TEXT NOT NULL,
            licence_expires TEXT NOT NULL,
            escrow_bank TEXT NOT NULL,
            escrow_account TEXT NOT NULL,
            mode TEXT NOT NULL,
            status TEXT NOT NULL,
            status_reason TEXT,
            checksum_override_reason TEXT,
            seq INTEGER NOT NULL
          ) STRICT;
          CREATE INDEX institutions_region ON institutions(region);

          CREATE TABLE venues (
            id TEXT PRIMARY KEY NOT NULL, institution TEXT NOT NULL REFERENCES institutions(uscc),
            address TEXT NOT NULL, area_m2 INTEGER NOT NULL, seq INTEGER NOT NULL) STRICT;
          CREATE TABLE teachers (
            id TEXT PRIMARY KEY NOT NULL, institution TEXT NOT NULL REFERENCES institutions(uscc),
            name TEXT NOT NULL, certificate TEXT NOT NULL, seq INTEGER NOT NULL) STRICT;
          CREATE TABLE courses (
            id TEXT PRIMARY KEY NOT NULL, institution TEXT NOT NULL REFERENCES institutions(uscc),
            name TEXT NOT NULL, subject TEXT, category TEXT, delivery TEXT NOT NULL,
            lesson_minutes INTEGER NOT NULL, hours INTEGER NOT NULL, price_per_hour_fen INTEGER NOT NULL,
            class_size TEXT, seq INTEGER NOT NULL) STRICT;
          CREATE TABLE classes (
            id TEXT PRIMARY KEY NOT NULL, course TEXT NOT NULL REFERENCES courses(id),
            institution TEXT NOT NULL REFERENCES institutions(uscc),
            venue TEXT NOT NULL REFERENCES venues(id), teacher TEXT NOT NULL REFERENCES teachers(id),
            capacity INTEGER NOT NULL, starts TEXT NOT NULL, ends TEXT NOT NULL, schedule TEXT NOT NULL,
            seq INTEGER NOT NULL) STRICT;

          -- Personal data lives here only, sealed with AES-256-GCM under the key file; the ledger
          -- holds the commitment alone.
          CREATE TABLE persons (
            commitment TEXT PRIMARY KEY NOT NULL, role TEXT NOT NULL, masked_id TEXT NOT NULL,
            sealed BLOB) STRICT;
          CREATE TABLE parents (
            id TEXT PRIMARY KEY NOT NULL, commitment TEXT NOT NULL UNIQUE, seq INTEGER NOT NULL) STRICT;
          CREATE TABLE students (
            id TEXT PRIMARY KEY NOT NULL, parent TEXT NOT NULL REFERENCES parents(id),
            commitment TEXT NOT NULL UNIQUE, grade INTEGER NOT NULL, seq INTEGER NOT NULL) STRICT;

          CREATE TABLE enrollments (
            id TEXT PRIMARY KEY NOT NULL,
            student TEXT NOT NULL REFERENCES students(id),
            parent TEXT NOT NULL REFERENCES parents(id),
            class TEXT NOT NULL REFERENCES classes(id),
            institution TEXT NOT NULL REFERENCES institutions(uscc),
            bank_ref TEXT NOT NULL,
            paid_at TEXT NOT NULL,
            hours_paid INTEGER NOT NULL,
            amount_fen INTEGER NOT NULL,
            released_fen INTEGER NOT NULL DEFAULT 0,
            refunded_fen INTEGER NOT NULL DEFAULT 0,
            escrow_fen INTEGER NOT NULL,
            hours_consumed INTEGER NOT NULL DEFAULT 0,
            hours_refunded INTEGER NOT NULL DEFAULT 0,
            hours_pending INTEGER NOT NULL DEFAULT 0,
            seq INTEGER NOT NULL,
            CHECK (escrow_fen >= 0),
            CHECK (amount_fen = released_fen + refunded_fen + escrow_fen),
            CHECK (hours_consumed + hours_refunded + hours_pending <= hours_paid)
          ) STRICT;
          CREATE INDEX enrollments_institution ON enrollments(institution);
          CREATE INDEX enrollments_holding ON enrollments(class, student, hours_paid, hours_consumed, hours_refunded)
            WHERE hours_paid > hours_consumed + hours_refunded;

          CREATE TABLE lessons (
            id TEXT PRIMARY KEY NOT NULL,
            enrollment TEXT NOT NULL REFERENCES enrollments(id),
            hours INTEGER NOT NULL,
            taught_at TEXT NOT NULL,
            taught_on TEXT NOT NULL,
            status TEXT NOT NULL,
            released_fen INTEGER NOT NULL DEFAULT 0,
            reason TEXT,
            seq INTEGER NOT NULL
          ) STRICT;
          CREATE INDEX lessons_pending ON lessons(status, taught_on);
          CREATE INDEX lessons_enrollment ON lessons(enrollment, taught_at);

          CREATE TABLE refunds (
            id TEXT PRIMARY KEY NOT NULL,
            enrollment TEXT NOT NULL REFERENCES enrollments(id),
            bank_ref TEXT NOT NULL,
            hours INTEGER NOT NULL,
            amount_fen INTEGER NOT NULL,
            reason TEXT NOT NULL,
            seq INTEGER NOT NULL
          ) STRICT;
          CREATE INDEX refunds_enrollment ON refunds(enrollment);

          -- Signed checkpoints: beside the log, not in it, so the size each signs is the log's size.
          CREATE TABLE checkpoints (
            id INTEGER PRIMARY KEY NOT NULL,
            size INTEGER NOT NULL,
            root_hash BLOB NOT NULL,
            note TEXT NOT NULL,
            verifier_key TEXT NOT NULL,
            signed_at TEXT NOT NULL
          ) STRICT;
          """)
    }
    migrator.registerMigration("v2-supervision") { db in
      try db.execute(sql: SupervisionSchema.v2)
    }
    migrator.registerMigration("v3-parent-flows") { db in try db.execute(sql: ParentFlowSchema.v3) }
    migrator.registerMigration("v4-erasures") { db in try db.execute(sql: ErasureSchema.v4) }
    migrator.registerMigration("v5-money-timing") { db in try db.execute(sql: MoneyTimingSchema.v5) }
    migrator.registerMigration("v6-policy-in-log") { db in
      // The policy books the log holds (a projection of `policy` entries); the last is in force.
      try db.execute(
        sql: "CREATE TABLE policy_books (seq INTEGER PRIMARY KEY NOT NULL, document TEXT NOT NULL) STRICT")
    }
    migrator.registerMigration("v5-registry-rule-indexes") { db in
      // The registry's uniqueness and clash rules look these up on every registration.
      try db.execute(
        sql: """
          CREATE INDEX institutions_licence ON institutions(licence);
          CREATE INDEX teachers_certificate ON teachers(certificate);
          CREATE INDEX classes_teacher ON classes(teacher, starts);
          CREATE INDEX classes_venue ON classes(venue, starts);
          """)
    }
    migrator.registerMigration("v5-refund-request-refusal") { db in
      // The institution's refusal is kept beside the regulator's later decision, which used to
      // overwrite it. Filled from the log's `refund-request.refused` entries by the institution,
      // as the projector fills it, so that the column is a function of the entries alone.
      try db.execute(
        sql: """
          ALTER TABLE refund_requests ADD COLUMN refused_reason TEXT;
          ALTER TABLE refund_requests ADD COLUMN refused_on TEXT;
          UPDATE refund_requests SET
            refused_reason = (SELECT json_extract(l.entry, '$.payload.reason') FROM ledger l
              WHERE l.kind = 'refund-request.refused'
                AND json_extract(l.entry, '$.payload.request') = refund_requests.id
                AND json_extract(l.entry, '$.payload.basis') = 'institution'),
            refused_on = (SELECT json_extract(l.entry, '$.payload.on') FROM ledger l
              WHERE l.kind = 'refund-request.refused'
                AND json_extract(l.entry, '$.payload.request') = refund_requests.id
                AND json_extract(l.entry, '$.payload.basis') = 'institution');
          """)
    }
    migrator.registerMigration("v7-credentials") { db in try db.execute(sql: CredentialSchema.v7) }
    migrator.registerMigration("v8-merkle-tiles") { db in try MerkleTileSchema.v8(db) }
    migrator.registerMigration("v9-class-places") { db in
      // The places taken in a class, kept by the projector (`Projector+ClassPlaces`) instead of
      // counted by the payment; filled here with the count the places rule made until now.
      try db.execute(
        sql: """
          ALTER TABLE classes ADD COLUMN places_taken INTEGER NOT NULL DEFAULT 0 CHECK (places_taken >= 0);
          UPDATE classes SET places_taken = (SELECT COUNT(DISTINCT e.student) FROM enrollments e
            WHERE e.class = classes.id AND e.hours_paid > e.hours_consumed + e.hours_refunded);
          """)
    }
    migrator.registerMigration("v10-tile-levels") { db in try MerkleTileSchema.v10(db) }
    migrator.registerMigration("v11-entry-bytes") { db in
      // Ledger format 2: an entry is deterministic CBOR, stored as the bytes it is (a BLOB), no
      // longer as text. A v1 log is never migrated in place (`AppDatabase.open` refuses it and
      // names `jianguan upgrade`); only the scratch copy `upgrade` audits comes here with entries,
      // which keep their exact bytes. It runs once: on a ledger already of BLOBs (its record in
      // grdb_migrations deleted) it refuses, and the database does not open.
      guard try db.columns(in: "ledger").first(where: { $0.name == "entry" })?.type == "TEXT" else {
        throw DatabaseError(
          resultCode: .SQLITE_ERROR,
          message: "migration v11-entry-bytes: a ledger of entry bytes already exists")
      }
      try db.execute(
        sql: """
          CREATE TABLE ledger_v11 (
            seq INTEGER PRIMARY KEY NOT NULL,
            kind TEXT NOT NULL,
            entry BLOB NOT NULL,
            hash BLOB NOT NULL
          ) STRICT;
          INSERT INTO ledger_v11 (seq, kind, entry, hash) SELECT seq, kind, CAST(entry AS BLOB), hash FROM ledger;
          DROP TABLE ledger;
          ALTER TABLE ledger_v11 RENAME TO ledger;
          CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger
            BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: entries cannot be changed'); END;
          CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger
            BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: entries cannot be deleted'); END;
          """)
    }
    migrator.registerMigration("v12-contract-terms-in-log") { db in
      // An e-contract's terms are its `contract.issued` entry, the one right after its payment's,
      // and `contract show` reads them there. The table kept them again as canonical JSON (about
      // 570 bytes a payment, a fifth of the file), beside nothing a query needed. It runs once: on
      // a database already without the table (its record in grdb_migrations deleted) it refuses.
      try refuseRerun(
        "v12-contract-terms-in-log", if: !(try db.tableExists("contracts")),
        "a database without table contracts")
      try db.execute(sql: "DROP TABLE contracts")
    }
    migrator.registerMigration("v13-bank-refs-by-seq") { db in
      // A bank reference and the seq of the entry that used it, and nothing else: its kind,
      // content and result are in that entry (`AppDatabase.earlierUse`). Without a rowid the
      // reference is stored once, as the key, not again in an index beside the row. It runs once:
      // on a table already of that shape (its record in grdb_migrations deleted) it refuses.
      try refuseRerun(
        "v13-bank-refs-by-seq", if: !(try db.columns(in: "bank_refs").contains { $0.name == "kind" }),
        "a table bank_refs of references and seqs")
      try db.execute(
        sql: """
          CREATE TABLE bank_refs_v13 (ref TEXT PRIMARY KEY NOT NULL, seq INTEGER NOT NULL) STRICT, WITHOUT ROWID;
          INSERT INTO bank_refs_v13 (ref, seq) SELECT ref, seq FROM bank_refs;
          DROP TABLE bank_refs;
          ALTER TABLE bank_refs_v13 RENAME TO bank_refs;
          """)
    }
    migrator.registerMigration("v14-pending-lessons-index") { db in
      // Two indexes led with the status of every lesson, released ones included (about 18 bytes
      // an entry). The deemed releases look up pending lessons by recording day: a partial index
      // of those alone serves them. The other (status, day taught) served the risk report's
      // lessons released in 90 days, which reads them through the institution's enrollments
      // instead (`enrollments_institution`, `lessons_enrollment`), as the closure already did.
      // It runs once: without the old index (its record in grdb_migrations deleted) it refuses.
      try refuseRerun(
        "v14-pending-lessons-index",
        if: !(try db.indexes(on: "lessons").contains { $0.name == "lessons_pending" }),
        "an index of pending lessons alone")
      try db.execute(
        sql: """
          DROP INDEX lessons_pending;
          DROP INDEX lessons_pending_recorded;
          CREATE INDEX lessons_pending_recorded ON lessons(recorded_on) WHERE status = 'pending';
          """)
    }
    migrator.registerMigration("v15-ledger-without-hash") { db in
      // An entry's hash is SHA-256 of its bytes, and the next entry's `prev` holds it: the column
      // kept it again (33 bytes an entry). The writer hashes the last entry to append the
      // next one; the audit hashes every entry anyway. It runs once (see v13).
      try refuseRerun(
        "v15-ledger-without-hash", if: !(try db.columns(in: "ledger").contains { $0.name == "hash" }),
        "a ledger without a hash column")
      try db.execute(sql: "ALTER TABLE ledger DROP COLUMN hash")
    }
    return migrator
  }

  /// Refuses to run a migration again on the schema it made (its record in grdb_migrations
  /// deleted): the database then does not open, and the message names grdb_migrations
  /// (`StoreError(opening:)` reads "already exists").
  static func refuseRerun(_ migration: String, if done: Bool, _ made: String) throws {
    guard !done else {
      throw DatabaseError(
        resultCode: .SQLITE_ERROR, message: "migration \(migration): \(made) already exists")
    }
  }
}

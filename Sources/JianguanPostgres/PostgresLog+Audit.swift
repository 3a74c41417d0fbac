import JianguanCore
import JianguanCrypto
import JianguanLedger
import PostgresNIO

extension PostgresLog {
  /// The log-level audit of this bureau: every entry decodes, its hash and chain link hold and
  /// the replay (`LedgerState`, the same machine the SQLite audit runs) accepts it; the stored
  /// Merkle tiles are exactly those of the entries (none missing, surplus or changed); the head
  /// row is the log's end; the checkpoints are exactly those the `checkpoint.signed` entries make,
  /// verified with the key the log names, and their roots are the entries' roots. Each fault
  /// names the table and the seq.
  /// It reads one snapshot of the database, so that appends meanwhile change nothing it sees.
  /// With `external`, an auditor's checkpoint (its signature verified), the log must extend it, as
  /// on a file (`ExternalCheckpoint`).
  public func audit(against external: Checkpoint? = nil) throws -> AuditReport {
    try session.snapshot { try auditSnapshot(against: external) }
  }

  private func auditSnapshot(against external: Checkpoint?) throws -> AuditReport {
    try requireLog(field: "db")
    let stored = try checkpointRows()
    var walk = AuditWalk(
      bureau: bureau, wantedSizes: Set(stored.map(\.size) + (external.map { [$0.size] } ?? [])))
    try forEachEntry { walk.step($0) }
    var report = AuditReport()
    report.entries = walk.entries
    report.rootHash = walk.edge.root
    report.faults = walk.faults + walk.state.finalFaults()
    report.faults += try compareTiles(walk.expectedTiles(), size: walk.entries)
    report.faults += try compareHead(walk)
    report.faults += compareCheckpoints(stored, walk: walk)
    report.faults += try comparePersons(walk)
    report.checkpointsChecked = stored.count
    if let external {
      let faults = ExternalCheckpoint.faults(
        external, rootsAtSize: walk.rootsAtSize, stored: stored.map { ($0.size, $0.rootHash) },
        size: walk.entries, root: report.rootHash,
        proof: { old, new in
          try withTiles {
            try Merkle.consistencyProof(oldSize: old, newSize: new, reader: MerkleTileHashReader($0))
          }
        })
      report.faults += faults
      report.externalCheckpoint = ExternalCheckpoint.verdict(external, faults: faults)
    }
    report.enrollments = walk.state.enrollmentCount
    for slot in walk.state.enrollmentRecords.indices where walk.state.enrollmentRecords[slot].exists {
      report.escrowFen += walk.state.escrowFen(Int32(slot))
    }
    return report
  }

  /// The stored tiles against the ones the entries give, a page at a time in (level, idx) order.
  private func compareTiles(_ expected: [PostgresTileReader.Key: ExpectedTile], size: Int64) throws
    -> [AuditFault]
  {
    var faults: [AuditFault] = []
    var unseen = expected
    var after = (level: Int32(-1), index: Int64(0))
    while true {
      let rows = try session.rows(
        """
        SELECT level, idx, width, hashes, levels FROM jianguan.merkle_tiles
        WHERE bureau = \(bureau) AND (level, idx) > (\(after.level), \(after.index))
        ORDER BY level, idx LIMIT 500
        """)
      for row in rows {
        let (level, index, width, hashes, levels) = try row.decode(
          (Int32, Int64, Int32, ByteBuffer, ByteBuffer).self)
        after = (level, index)
        let key = PostgresTileReader.Key(level: Int(level), index: index)
        guard let wanted = unseen.removeValue(forKey: key) else {
          faults.append(
            AuditFault(
              seq: ExpectedTile.firstSeq(key),
              "table merkle_tiles, tile \(level)/\(index): not a tile of the tree of \(size) entries (a surplus row)"
            ))
          continue
        }
        let place =
          "table merkle_tiles, tile \(level)/\(index) (seq \(ExpectedTile.firstSeq(key))…\(wanted.seq))"
        if Int(width) != wanted.width {
          faults.append(
            AuditFault(seq: wanted.seq, "\(place): width \(width), the entries give \(wanted.width)"))
        } else if ExpectedTile.digest(hashes.bytes, levels.bytes) != wanted.digest {
          faults.append(
            AuditFault(seq: wanted.seq, "\(place): the stored hashes differ from the ones the entries give"))
        }
      }
      if rows.count < 500 { break }
    }
    for (key, wanted) in unseen.sorted(by: { ($0.key.level, $0.key.index) < ($1.key.level, $1.key.index) }) {
      faults.append(
        AuditFault(
          seq: wanted.seq,
          "table merkle_tiles, tile \(key.level)/\(key.index) (seq \(ExpectedTile.firstSeq(key))…\(wanted.seq)): missing"
        ))
    }
    return faults
  }

  private func compareHead(_ walk: AuditWalk) throws -> [AuditFault] {
    let head = try head()
    guard head.size == walk.entries, head.hash == walk.lastHash, head.checkpointKey == walk.checkpointKey
    else {
      return [
        AuditFault(
          seq: max(head.size, walk.entries),
          "table bureaus: the head row says \(head.size) entries ending in \(Hex.encode(head.hash).prefix(16))…, table ledger has \(walk.entries) ending in \(Hex.encode(walk.lastHash).prefix(16))… (or another checkpoint key)"
        )
      ]
    }
    return []
  }

  /// The `persons` rows hold what no entry holds, so they are checked against what the log says:
  /// one row per committed person, of that role, with sealed data unless the log erased the
  /// person, and no row the log does not name. (Opening the sealed data needs the key file.)
  private func comparePersons(_ walk: AuditWalk) throws -> [AuditFault] {
    var faults: [AuditFault] = []
    var unseen = walk.persons
    for person in try persons() {
      let label = "table persons, row commitment = \(person.commitment.prefix(16))…"
      guard let committed = unseen.removeValue(forKey: person.commitment) else {
        faults.append(AuditFault(seq: 0, "\(label): no entry of the log names this person"))
        continue
      }
      if person.role != committed.role {
        faults.append(
          AuditFault(seq: committed.seq, "\(label): role is not \(committed.role), as the log gives"))
      }
      let erased = walk.erasedParents.contains(committed.parent)
      if erased && person.sealed != nil {
        faults.append(
          AuditFault(seq: committed.seq, "\(label): the log erased this person but the row still holds data"))
      } else if !erased && person.sealed == nil {
        faults.append(AuditFault(seq: committed.seq, "\(label): the sealed personal data is missing"))
      }
    }
    for (commitment, committed) in unseen.sorted(by: { $0.value.seq < $1.value.seq }) {
      faults.append(
        AuditFault(
          seq: committed.seq,
          "table persons, row commitment = \(commitment.prefix(16))…: the \(committed.role) the log commits to has no row"
        ))
    }
    return faults
  }

  private func compareCheckpoints(_ stored: [CheckpointRow], walk: AuditWalk) -> [AuditFault] {
    var faults: [AuditFault] = []
    for index in 0..<max(stored.count, walk.checkpoints.count) {
      guard index < walk.checkpoints.count else {
        faults.append(
          AuditFault(
            seq: stored[index].size,
            "table checkpoints, id \(stored[index].id): no checkpoint.signed entry of the log made it (an added row)"
          ))
        continue
      }
      let (seq, wanted) = walk.checkpoints[index]
      guard index < stored.count else {
        faults.append(
          AuditFault(seq: seq, "table checkpoints: the checkpoint the entry at seq \(seq) signed is missing"))
        continue
      }
      if stored[index] != wanted {
        faults.append(
          AuditFault(
            seq: seq,
            "table checkpoints, id \(stored[index].id): differs from the checkpoint.signed entry at seq \(seq)"
          ))
      } else if walk.rootsAtSize[wanted.size] != wanted.rootHash {
        faults.append(
          AuditFault(
            seq: wanted.size,
            "table checkpoints, id \(wanted.id) (size \(wanted.size)): the first \(wanted.size) entries no longer hash to its root: entries up to seq \(wanted.size) were rewritten"
          ))
      }
    }
    return faults
  }
}

/// A tile the entries give: its width, a digest of its hashes and inner levels, and the seq of
/// the entry that completed it (or the last entry, for a partial tile).
struct ExpectedTile {
  let width: Int
  let digest: [UInt8]
  let seq: Int64

  static func digest(_ hashes: [UInt8], _ levels: [UInt8]) -> [UInt8] { SHA256.hash(hashes + levels) }

  /// The first entry under tile `key`.
  static func firstSeq(_ key: PostgresTileReader.Key) -> Int64 {
    let span = Int64(1) << (MerkleTile.height * (key.level + 1))
    return key.index * span + 1
  }
}

/// The audit's pass over the entries: each entry's own checks and the replay, the Merkle edge
/// and the tiles it completes, the roots at the stored checkpoints' sizes, and the checkpoints
/// the entries make.
struct AuditWalk {
  let bureau: String
  let wantedSizes: Set<Int64>
  var state = LedgerState(scratch: nil)
  var faults: [AuditFault] = []
  var edge = MerkleTileEdge()
  var tiles: [PostgresTileReader.Key: ExpectedTile] = [:]
  var rootsAtSize: [Int64: [UInt8]] = [0: Merkle.emptyRoot]
  var entries: Int64 = 0
  var lastHash = Entry.genesisPrevious
  var checkpointKey: String?
  var checkpoints: [(seq: Int64, row: PostgresLog.CheckpointRow)] = []
  /// The persons the log commits to, by commitment: role, seq, and the parent whose erasure
  /// erases them (themselves, for a parent).
  var persons: [String: (role: String, seq: Int64, parent: String)] = [:]
  var erasedParents: Set<String> = []

  init(bureau: String, wantedSizes: Set<Int64>) {
    self.bureau = bureau
    self.wantedSizes = wantedSizes
  }

  mutating func step(_ stored: StoredEntry) {
    let seq = stored.seq
    var faults: [AuditFault] = []
    func fault(_ message: String) { faults.append(AuditFault(seq: seq, "table ledger: \(message)")) }
    if seq != entries + 1 {
      faults.append(
        AuditFault(
          seq: entries + 1,
          "table ledger: entries \(entries + 1)…\(seq - 1) are missing (seq jumps to \(seq))"))
    }
    if SHA256.hash(stored.bytes) != stored.hash {
      fault("the entry's bytes do not hash to its stored hash (the entry was edited)")
    }
    do {
      let entry = try Entry.parse(stored.bytes)
      if entry.seq != seq {
        fault("the entry says seq \(entry.seq) but is stored at seq \(seq) (entries moved or swapped)")
      }
      if entry.previousHash != lastHash {
        fault(
          "prev is \(Hex.encode(entry.previousHash).prefix(16))…, the hash of entry \(seq - 1) is \(Hex.encode(lastHash).prefix(16))… (the chain is broken)"
        )
      }
      if entry.kind != stored.kind { fault("the kind column says \(stored.kind), the entry \(entry.kind)") }
      let event = try Event(kind: entry.kind, payload: entry.payload)
      Array(entry.time.utf8).withUnsafeBufferPointer { state.noteEntryTime($0, seq: seq, faults: &faults) }
      state.apply(event, seq: seq, faults: &faults)
      note(event, seq: seq, fault: fault)
    } catch {
      fault("the entry cannot be read: \(error)")
    }
    self.faults += faults
    lastHash = stored.hash
    entries = seq
    edge.append(leafHash: Merkle.leafHash(stored.bytes))
    for tile in edge.takeFilledTiles() { expect(tile, seq: seq) }
    if wantedSizes.contains(edge.size) { rootsAtSize[edge.size] = edge.root }
  }

  /// What the audit keeps of an event beyond the replay: the bureau, the key, the checkpoints.
  private mutating func note(_ event: Event, seq: Int64, fault: (String) -> Void) {
    switch event {
    case .genesis(let genesis) where genesis.region != bureau:
      fault("the genesis names region \(genesis.region), but the log is stored as bureau \(bureau)")
    case .parentRegistered(let parent):
      persons[parent.commitment] = ("parent", seq, parent.id)
    case .studentAdded(let student):
      persons[student.commitment] = ("student", seq, student.parent)
    case .parentFlow(.parentErased(let erased)):
      erasedParents.insert(erased.parent)
    case .transparency(.keyNamed(let named)):
      checkpointKey = named.verifierKey
    case .transparency(.checkpointSigned(let signed)):
      // An unverifiable note is the replay's fault already; here only the row it makes.
      guard let key = checkpointKey, let verifier = try? NoteVerifier(verifierKeyText: key),
        let checkpoint = try? Checkpoint.open(signed.note, verifiers: [verifier]).checkpoint
      else { return }
      checkpoints.append(
        (
          seq,
          PostgresLog.CheckpointRow(
            id: Int64(checkpoints.count + 1), size: checkpoint.size, rootHash: checkpoint.rootHash,
            note: signed.note, verifierKey: key, signedAt: signed.signedAt)
        ))
    default:
      break
    }
  }

  private mutating func expect(_ tile: MerkleTile, seq: Int64) {
    tiles[.init(level: tile.level, index: tile.index)] = ExpectedTile(
      width: tile.width, digest: ExpectedTile.digest(tile.hashes, tile.levels), seq: seq)
  }

  /// Every tile of the tree, the partial ones included.
  mutating func expectedTiles() -> [PostgresTileReader.Key: ExpectedTile] {
    for tile in edge.takeChangedTiles() { expect(tile, seq: entries) }
    return tiles
  }
}

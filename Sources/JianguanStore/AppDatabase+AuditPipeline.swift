import Foundation
import JianguanCore
import JianguanCrypto
import JianguanLedger

/// The audit's three threads, on the machine's two cores: the reading thread steps the ledger
/// rows and hashes them (each entry's hash, which the next entry's `prev` must be, and its Merkle
/// leaf into the root); the replaying thread decodes and replays them; and the rebuilding thread
/// (`AuditTableRebuild`) runs them through the projectors into a scratch database. Rows go from
/// the first to the others in batches through bounded queues, in seq order, and the replaying
/// thread emits every fault of an entry in the order the one-thread audit did, so the report is
/// the same, deterministically.
final class AuditBatch: @unchecked Sendable {
  struct Record {
    var seq: Int64
    /// SHA-256 of the entry's bytes.
    var hash: SHA256Digest
    var kind: Range<Int>
    var entry: Range<Int>
  }

  var bytes: [UInt8] = []
  var records: [Record] = []

  static let maximumRecords = 256
  static let maximumBytes = 256 * 1024

  var isFull: Bool { records.count >= AuditBatch.maximumRecords || bytes.count >= AuditBatch.maximumBytes }

  func append(
    seq: Int64, hash: SHA256Digest, kind: UnsafeBufferPointer<UInt8>, entry: UnsafeBufferPointer<UInt8>
  ) {
    let kindStart = bytes.count
    bytes.append(contentsOf: kind)
    let entryStart = bytes.count
    bytes.append(contentsOf: entry)
    records.append(
      Record(seq: seq, hash: hash, kind: kindStart..<entryStart, entry: entryStart..<bytes.count))
  }

  func clear() {
    bytes.removeAll(keepingCapacity: true)
    records.removeAll(keepingCapacity: true)
  }
}

/// A bounded FIFO of batches between the two threads, with a pool of emptied batches to reuse:
/// memory stays at a few batches whatever the ledger's size.
final class AuditQueue: @unchecked Sendable {
  private let condition = NSCondition()
  private var full: [AuditBatch] = []
  private var empty: [AuditBatch] = []
  private var finished = false
  private let limit = 4

  /// An empty batch to fill.
  func emptyBatch() -> AuditBatch {
    condition.lock()
    defer { condition.unlock() }
    return empty.popLast() ?? AuditBatch()
  }

  /// Hands a filled batch to the replaying thread; waits while `limit` batches are queued.
  func push(_ batch: AuditBatch) {
    condition.lock()
    while full.count >= limit { condition.wait() }
    full.append(batch)
    condition.broadcast()
    condition.unlock()
  }

  /// The next filled batch, or nil once the reader finished and the queue is drained.
  func pop() -> AuditBatch? {
    condition.lock()
    defer { condition.unlock() }
    while full.isEmpty && !finished { condition.wait() }
    guard !full.isEmpty else { return nil }
    let batch = full.removeFirst()
    condition.broadcast()
    return batch
  }

  func recycle(_ batch: AuditBatch) {
    batch.clear()
    condition.lock()
    empty.append(batch)
    condition.unlock()
  }

  func finish() {
    condition.lock()
    finished = true
    condition.broadcast()
    condition.unlock()
  }
}

/// A thread of the audit's (8 MB of stack: the replay recurses through entries' members) that
/// runs `body` once, and can be waited for.
final class AuditThread: @unchecked Sendable {
  private let finished = NSCondition()
  private var done = false

  init(_ body: @escaping @Sendable () -> Void) {
    let thread = Thread { [self] in
      body()
      finished.lock()
      done = true
      finished.broadcast()
      finished.unlock()
    }
    thread.stackSize = 8 << 20
    thread.start()
  }

  /// Waits until `body` has returned.
  func wait() {
    finished.lock()
    while !done { finished.wait() }
    finished.unlock()
  }
}

/// The replaying half: every check of an entry that is not its hash or Merkle leaf.
final class AuditReplayer: @unchecked Sendable {
  var state: LedgerState
  var faults: [AuditFault] = []
  var entries: Int64 = 0
  /// The format the entries must be in: v2 (CBOR), or v1 (JSON) when `upgrade` audits a v1 file.
  let format: LedgerFormat
  private var expectedSeq: Int64 = 1
  private var previousHash = SHA256Digest(Entry.genesisPrevious)!
  private var hasher = SHA256.Hasher()
  private var thread: AuditThread?

  init(scratch: ScratchSpace?, format: LedgerFormat) {
    // A bank reference used twice is found after the scan, from runs written in sequence: a table
    // of every reference probed at random does not fit the audit's memory budget.
    state = LedgerState(scratch: scratch, deferringBankRefDuplicates: true)
    self.format = format
  }

  /// Replays the queue's batches on a thread of its own until the queue is finished.
  func start(_ queue: AuditQueue) {
    thread = AuditThread { [self] in
      while let batch = queue.pop() {
        batch.bytes.withUnsafeBufferPointer { bytes in
          for record in batch.records { process(record, bytes) }
        }
        queue.recycle(batch)
      }
      faults += state.resolveDeferredChecks()
    }
  }

  /// Waits until the replaying thread has drained the queue.
  func wait() { thread?.wait() }

  func process(_ record: AuditBatch.Record, _ bytes: UnsafeBufferPointer<UInt8>) {
    let seq = record.seq
    func fault(_ message: String) { faults.append(AuditFault(seq: seq, "table ledger: \(message)")) }
    if seq != expectedSeq {
      faults.append(
        AuditFault(
          seq: expectedSeq,
          seq > expectedSeq
            ? "table ledger: entries \(expectedSeq)…\(seq - 1) are missing (seq jumps to \(seq))"
            : "table ledger: seq \(seq) is out of order"))
    }
    expectedSeq = seq + 1
    let raw = UnsafeBufferPointer(rebasing: bytes[record.entry])
    let kindColumn = UnsafeBufferPointer(rebasing: bytes[record.kind])
    if format == .v2, let decoded = EntryDecoding.decode(raw) {
      // The fast path accepted every byte: deterministic CBOR with exactly the expected members.
      if decoded.seq != seq {
        fault("the entry says seq \(decoded.seq) but is stored at seq \(seq) (entries moved or swapped)")
      }
      if previousHash != decoded.previousHash {
        fault(
          "prev is \(Hex.encode(decoded.previousHash.bytes).prefix(16))…, the hash of entry \(seq - 1) is \(Hex.encode(previousHash.bytes).prefix(16))… (the chain is broken)"
        )
      }
      if !AuditReplayer.textEquals(kindColumn, decoded.kind) {
        fault("the kind column says \(AuditReplayer.string(kindColumn)), the entry \(decoded.kind)")
      }
      state.noteEntryTime(UnsafeBufferPointer(rebasing: raw[decoded.timeRange]), seq: seq, faults: &faults)
      state.apply(decoded.event, seq: seq, faults: &faults)
    } else {
      // The generic path: the whole entry decoded, every rule of its format checked.
      do {
        let bytes = Array(raw)
        let entry = try format == .v2 ? Entry.parse(bytes) : EntryV1.parse(bytes)
        if entry.seq != seq {
          fault("the entry says seq \(entry.seq) but is stored at seq \(seq) (entries moved or swapped)")
        }
        if entry.previousHash != previousHash.bytes {
          fault(
            "prev is \(Hex.encode(entry.previousHash).prefix(16))…, the hash of entry \(seq - 1) is \(Hex.encode(previousHash.bytes).prefix(16))… (the chain is broken)"
          )
        }
        let kind = AuditReplayer.string(kindColumn)
        if entry.kind != kind {
          fault("the kind column says \(kind), the entry \(entry.kind)")
        }
        let event: Event
        if format == .v2 {
          event = try Event(kind: entry.kind, payload: entry.payload)
        } else {
          let read = try EntryV1.event(kind: entry.kind, payload: entry.payload)
          event = read.0
          if let stated = read.stated { state.checkStatedTerms(stated, fault: fault) }
        }
        Array(entry.time.utf8).withUnsafeBufferPointer { state.noteEntryTime($0, seq: seq, faults: &faults) }
        state.apply(event, seq: seq, faults: &faults)
      } catch {
        fault("the entry cannot be read: \(error)")
      }
    }
    previousHash = record.hash
    entries += 1
    state.scratch?.trimIfOverBudget(atStep: entries)
  }

  /// Text bytes as GRDB reads a `String` (`String(cString:)`): up to the first NUL, invalid UTF-8
  /// repaired (the kind column).
  static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
    let end = bytes.firstIndex(of: 0) ?? bytes.count
    return String(decoding: UnsafeBufferPointer(rebasing: bytes[..<end]), as: UTF8.self)
  }

  /// Whether text bytes read as a string equal to `expected`.
  static func textEquals(_ bytes: UnsafeBufferPointer<UInt8>, _ expected: String) -> Bool {
    var expected = expected
    let same = expected.withUTF8 { $0.elementsEqual(bytes) }
    if same, !bytes.contains(0) { return true }
    return string(bytes) == expected
  }
}

/// The bank references the log has used, their UTF-8 bytes packed end to end in one array with a
/// 4-byte offset each, and an open-addressing table over them: about 40 bytes a reference, where
/// a `Set<String>` of references longer than 15 bytes (a bank's are 18 or more) took over 70
/// with a heap object per string. An enrollment names its payment's reference by an index.
///
/// Membership is decided as `Set<String>` decided it: by Swift string equality (canonical
/// equivalence), with Swift's seeded string hash, which agrees with it. A bucket keeps 32 bits of
/// that hash, so a probe rebuilds a `String` only when the hashes agree.
///
/// The audit defers the question (`deferringDuplicates`): a city's ten million references make a
/// table of 128 MB that every payment probes at one random place, many times the audit's memory
/// budget, so nearly every probe read a page back from the scratch file. Deferred, each use is
/// appended to one of 64 runs chosen by its hash, written in sequence; `resolveDuplicates` then
/// sorts one run at a time (a few MB) and compares the uses whose hashes agree.
public struct BankRefSet: Sendable {
  /// The references' bytes, end to end, in the order they were inserted. A second spelling of a
  /// member (canonically equivalent, other bytes) is kept too, only to be named, and is not in
  /// the table.
  private var bytes: FlatArray<UInt8>
  /// Where reference i ends in `bytes` (it starts where i − 1 ends).
  private var ends: FlatArray<UInt32>
  /// index + 1 of a member (0: empty bucket), and the high 32 bits of its hash.
  private var buckets: FlatArray<Bucket>
  /// The number of distinct references (while duplicates are deferred: the uses so far).
  public private(set) var count = 0
  /// Each use, by the top bits of its hash, while duplicates are deferred; nil otherwise.
  private var runs: [FlatArray<Use>]?
  /// Whether duplicates are (or were) deferred: then there is no table to probe.
  private let deferring: Bool

  struct Bucket: BitwiseCopyable {
    var index: UInt32
    var tag: UInt32
  }

  /// A use of a reference, deferred: its hash, the seq of its entry and its index in `ends`.
  struct Use: BitwiseCopyable {
    var hash: UInt64
    var seq: Int64
    var index: UInt32
  }

  static let runBits = 6

  /// An empty set, its arrays in `scratch` if given; with `deferringDuplicates`, every insert is
  /// taken as new until `resolveDuplicates` (the audit's scan).
  public init(scratch: ScratchSpace? = nil, deferringDuplicates: Bool = false) {
    bytes = FlatArray(in: scratch)
    ends = FlatArray(in: scratch)
    buckets = FlatArray(in: scratch)
    self.scratch = scratch
    deferring = deferringDuplicates
    if deferringDuplicates { runs = (0..<(1 << BankRefSet.runBits)).map { _ in FlatArray(in: scratch) } }
  }

  private let scratch: ScratchSpace?

  /// Makes room for `capacity` references of about `averageLength` bytes.
  public mutating func reserveCapacity(_ capacity: Int, averageLength: Int = 20) {
    ends.reserveCapacity(capacity)
    bytes.reserveCapacity(capacity * averageLength)
    guard !deferring else { return }
    if capacity * 4 > buckets.count * 3 { rehash(bucketCount: BankRefSet.bucketCount(for: capacity)) }
  }

  static func bucketCount(for capacity: Int) -> Int {
    var count = 16
    while capacity * 4 > count * 3 { count *= 2 }
    return count
  }

  /// Inserts `ref`, used by entry `seq`; returns whether it was new and the index that names this
  /// spelling of it. While duplicates are deferred, every use is new here and gets an index.
  public mutating func insert(_ ref: String, seq: Int64 = 0) -> (inserted: Bool, index: Int32) {
    let hash = UInt64(bitPattern: Int64(ref.hashValue))
    if runs != nil {
      let index = append(ref)
      runs![Int(hash >> UInt64(64 - BankRefSet.runBits))].append(
        Use(hash: hash, seq: seq, index: UInt32(index)))
      count += 1
      return (true, index)
    }
    if (count + 1) * 4 > buckets.count * 3 { rehash(bucketCount: max(16, buckets.count * 2)) }
    let tag = UInt32(truncatingIfNeeded: hash >> 32)
    let mask = buckets.count - 1
    var bucket = Int(truncatingIfNeeded: hash) & mask
    while buckets[bucket].index != 0 {
      if buckets[bucket].tag == tag {
        let index = Int32(buckets[bucket].index - 1)
        let member = string(index)
        if member == ref {
          // The same reference; a second spelling of it is kept apart, to be named as written.
          if member.utf8.elementsEqual(ref.utf8) { return (false, index) }
          return (false, append(ref))
        }
      }
      bucket = (bucket + 1) & mask
    }
    let index = append(ref)
    buckets[bucket] = Bucket(index: UInt32(index) + 1, tag: tag)
    count += 1
    return (true, index)
  }

  /// Decides the deferred duplicates: each use of a reference that an earlier use already made
  /// (by `insert`'s equality) is given to `duplicate` with its entry's seq and its spelling, in the
  /// order of the seqs; `count` becomes the number of distinct references. Only the uses' strings
  /// whose hashes agree are read back.
  public mutating func resolveDuplicates(_ duplicate: (_ seq: Int64, _ ref: String) -> Void) {
    guard let runs else { return }
    self.runs = nil
    var found: [(seq: Int64, index: UInt32)] = []
    var distinct = 0
    for run in runs {
      var uses = Array(run)
      uses.sort { ($0.hash, $0.index) < ($1.hash, $1.index) }
      var start = 0
      while start < uses.count {
        var end = start + 1
        while end < uses.count, uses[end].hash == uses[start].hash { end += 1 }
        if end - start == 1 {
          distinct += 1
        } else {
          // Uses with one hash, in the order they were made: each is a duplicate of an earlier
          // one or a new member.
          var members: [String] = []
          for use in uses[start..<end] {
            let ref = string(Int32(use.index))
            if members.contains(ref) {
              found.append((use.seq, use.index))
            } else {
              members.append(ref)
              distinct += 1
            }
          }
        }
        start = end
      }
      scratch?.trimIfOverBudget()
    }
    count = distinct
    for use in found.sorted(by: { ($0.seq, $0.index) < ($1.seq, $1.index) }) {
      duplicate(use.seq, string(Int32(use.index)))
    }
  }

  /// Whether `ref` is a member (by the same equality as `insert`); not while duplicates are
  /// deferred.
  public func contains(_ ref: String) -> Bool {
    precondition(!deferring, "BankRefSet.contains on a set that defers its duplicates")
    guard count > 0 else { return false }
    let hash = UInt64(bitPattern: Int64(ref.hashValue))
    let tag = UInt32(truncatingIfNeeded: hash >> 32)
    let mask = buckets.count - 1
    var bucket = Int(truncatingIfNeeded: hash) & mask
    while buckets[bucket].index != 0 {
      if buckets[bucket].tag == tag, string(Int32(buckets[bucket].index - 1)) == ref { return true }
      bucket = (bucket + 1) & mask
    }
    return false
  }

  private mutating func append(_ ref: String) -> Int32 {
    for byte in ref.utf8 { bytes.append(byte) }
    ends.append(UInt32(bytes.count))
    return Int32(ends.count - 1)
  }

  /// The reference an index names, as it was written.
  public func string(_ index: Int32) -> String {
    let end = Int(ends[Int(index)])
    let start = index == 0 ? 0 : Int(ends[Int(index) - 1])
    return String(decoding: bytes[start..<end], as: UTF8.self)
  }

  private mutating func rehash(bucketCount: Int) {
    buckets = FlatArray(in: scratch)
    buckets.append(repeating: Bucket(index: 0, tag: 0), count: bucketCount)
    let mask = bucketCount - 1
    // Every stored spelling is placed unless an equal member is already in the table: the first
    // spelling of each member comes first, so exactly the members are placed.
    for index in ends.indices {
      // Millions of references pass through memory here: keep to the budget on the way.
      scratch?.trimIfOverBudget(atStep: index)
      let ref = string(Int32(index))
      let hash = UInt64(bitPattern: Int64(ref.hashValue))
      let tag = UInt32(truncatingIfNeeded: hash >> 32)
      var bucket = Int(truncatingIfNeeded: hash) & mask
      var member = false
      while buckets[bucket].index != 0 {
        if buckets[bucket].tag == tag, string(Int32(buckets[bucket].index - 1)) == ref {
          member = true
          break
        }
        bucket = (bucket + 1) & mask
      }
      if !member { buckets[bucket] = Bucket(index: UInt32(index) + 1, tag: tag) }
    }
  }
}

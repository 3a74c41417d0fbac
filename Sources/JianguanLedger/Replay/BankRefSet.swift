/// The bank references the log has used, their UTF-8 bytes packed end to end in one array with a
/// 4-byte offset each, and an open-addressing table over them: about 40 bytes a reference, where
/// a `Set<String>` of references longer than 15 bytes (a bank's are 18 or more) took over 70
/// with a heap object per string. An enrollment names its payment's reference by an index.
///
/// Membership is decided as `Set<String>` decided it: by Swift string equality (canonical
/// equivalence), with Swift's seeded string hash, which agrees with it. A bucket keeps 32 bits of
/// that hash, so a probe rebuilds a `String` only when the hashes agree.
public struct BankRefSet: Sendable {
  /// The references' bytes, end to end, in the order they were inserted. A second spelling of a
  /// member (canonically equivalent, other bytes) is kept too, only to be named, and is not in
  /// the table.
  private var bytes: FlatArray<UInt8>
  /// Where reference i ends in `bytes` (it starts where i − 1 ends).
  private var ends: FlatArray<UInt32>
  /// index + 1 of a member (0: empty bucket), and the high 32 bits of its hash.
  private var buckets: FlatArray<Bucket>
  /// The number of distinct references.
  public private(set) var count = 0

  struct Bucket: BitwiseCopyable {
    var index: UInt32
    var tag: UInt32
  }

  /// An empty set, its arrays in `scratch` if given.
  public init(scratch: ScratchSpace? = nil) {
    bytes = FlatArray(in: scratch)
    ends = FlatArray(in: scratch)
    buckets = FlatArray(in: scratch)
    self.scratch = scratch
  }

  private let scratch: ScratchSpace?

  /// Makes room for `capacity` references of about `averageLength` bytes.
  public mutating func reserveCapacity(_ capacity: Int, averageLength: Int = 20) {
    ends.reserveCapacity(capacity)
    bytes.reserveCapacity(capacity * averageLength)
    if capacity * 4 > buckets.count * 3 { rehash(bucketCount: BankRefSet.bucketCount(for: capacity)) }
  }

  static func bucketCount(for capacity: Int) -> Int {
    var count = 16
    while capacity * 4 > count * 3 { count *= 2 }
    return count
  }

  /// Inserts `ref`; returns whether it was new and the index that names this spelling of it.
  public mutating func insert(_ ref: String) -> (inserted: Bool, index: Int32) {
    if (count + 1) * 4 > buckets.count * 3 { rehash(bucketCount: max(16, buckets.count * 2)) }
    let hash = UInt64(bitPattern: Int64(ref.hashValue))
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

  /// Whether `ref` is a member (by the same equality as `insert`).
  public func contains(_ ref: String) -> Bool {
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

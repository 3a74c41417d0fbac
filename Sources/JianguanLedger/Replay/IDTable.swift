/// Ids interned to dense slots 0, 1, 2, … in the order they are first seen, so that the replay
/// keeps per-id state in flat arrays instead of dictionaries keyed by `String`.
///
/// An id of the writer's canonical form — the table's prefix letter and a decimal number without
/// leading zero, like `E123` — is found by its number in an array (4 bytes per number), without
/// hashing. The audit does not trust that form: any other id (another prefix, a leading zero, a
/// number far beyond those seen, non-ASCII) goes to a dictionary keyed by the `String`, which
/// compares as Swift strings do (canonical equivalence), exactly like the dictionaries this
/// replaces. No string of another form equals a canonical id: those are ASCII letters and digits,
/// and the only non-ASCII characters canonically equivalent to ASCII ones are U+037E (`;`),
/// U+1FEF (`` ` ``) and U+212A (`K`).
public struct IDTable: Sendable {
  /// The prefix byte of canonical ids; nil when every id goes to the dictionary.
  let prefix: UInt8?
  /// number → slot + 1 (0: not seen).
  private var slotOfNumber: FlatArray<Int32>
  private var slotOfOther: [String: Int32] = [:]
  /// slot → its number (≥ 0) or −(index in `others` + 1).
  private var keys: FlatArray<Int32>
  private var others: [String] = []

  /// A table of ids with `prefix` (nil: no canonical form), its arrays in `scratch` if given;
  /// `access` is how the entries name them (enrollments mostly the newest, students anywhere).
  public init(prefix: Character?, scratch: ScratchSpace? = nil, access: ScratchAccess = .mostlyAtTheEnd) {
    self.prefix = prefix?.asciiValue
    slotOfNumber = FlatArray(in: scratch, access: access)
    // A student's parent is named by its slot's id at every payment: the ids are read as the
    // numbers are.
    keys = FlatArray(in: scratch, access: access)
  }

  public var count: Int { keys.count }

  /// The number of a canonical id, or nil.
  @inline(__always)
  func number(_ id: String) -> Int? {
    guard let prefix else { return nil }
    var id = id
    return id.withUTF8 { bytes -> Int? in
      guard bytes.count >= 2, bytes.count <= 10, bytes[0] == prefix else { return nil }
      if bytes[1] == UInt8(ascii: "0") && bytes.count > 2 { return nil }
      var value = 0
      for index in 1..<bytes.count {
        let digit = bytes[index] &- UInt8(ascii: "0")
        if digit > 9 { return nil }
        value = value * 10 + Int(digit)
      }
      return value
    }
  }

  mutating func reserveCapacity(_ count: Int) {
    slotOfNumber.reserveCapacity(count + 1)
    keys.reserveCapacity(count)
  }

  /// The slot of `id`, or nil when it was never inserted.
  public func slot(_ id: String) -> Int32? {
    if let number = number(id), number < slotOfNumber.count, slotOfNumber[number] != 0 {
      return slotOfNumber[number] - 1
    }
    return slotOfOther.isEmpty ? nil : slotOfOther[id]
  }

  /// The slot of `id`, inserting it when new.
  public mutating func insert(_ id: String) -> (slot: Int32, inserted: Bool) {
    if let existing = slot(id) { return (existing, false) }
    let slot = Int32(keys.count)
    // Numbers beyond twice the ids seen (plus a margin) go to the dictionary: a forged `E999999999`
    // must not make the array huge.
    if let number = number(id), number <= 2 * keys.count + 1_000_000 {
      if number >= slotOfNumber.count {
        slotOfNumber.append(repeating: 0, count: number + 1 - slotOfNumber.count)
      }
      slotOfNumber[number] = slot + 1
      keys.append(Int32(number))
    } else {
      slotOfOther[id] = slot
      others.append(id)
      keys.append(-Int32(others.count))
    }
    return (slot, true)
  }

  /// The id of `slot`.
  public func id(_ slot: Int32) -> String {
    let key = keys[Int(slot)]
    if key < 0 { return others[Int(-key) - 1] }
    return String(UnicodeScalar(prefix!)) + String(key)
  }
}

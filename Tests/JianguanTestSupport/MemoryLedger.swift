import JianguanCore
import JianguanLedger

/// A second store, in memory, in a few lines: the store-independent `ReplayedLedger` answers the
/// operations' questions from the replay's own state, and this keeps its entries in an array. It
/// has no copy of any rule, so the operations can be run on it and on the SQLite store and their
/// entries compared.
public final class MemoryLedger: EntryKeeper {
  public let ledger: ReplayedLedger
  public private(set) var entries: [Event] = []
  public private(set) var entryBytes: [[UInt8]] = []
  private var lookups = EntryLookups()
  /// The sealed personal data, by commitment (nil once erased).
  public private(set) var persons: [String: (role: String, maskedID: String, sealed: [UInt8]?)] = [:]

  public init(clock: LocalDateTime) {
    ledger = ReplayedLedger(clock: clock)
    ledger.keeper = self
  }

  public var clock: LocalDateTime {
    get { ledger.clock }
    set { ledger.clock = newValue }
  }

  public var state: LedgerState { ledger.state }

  public func keep(_ event: Event, seq: Int64, time: String, bytes: [UInt8]) throws {
    entries.append(event)
    entryBytes.append(bytes)
    lookups.note(event, seq: seq)
  }

  public func seq(ofBankRef bankRef: String) throws -> Int64? { lookups.seq(ofBankRef: bankRef) }
  public func event(atSeq seq: Int64) throws -> Event? {
    seq >= 1 && seq <= entries.count ? entries[Int(seq - 1)] : nil
  }
  public func earlierLesson(enrollment: String, taught: LocalDateTime) throws -> EarlierLesson? {
    lookups.earlierLesson(enrollment: enrollment, taught: taught)
  }
  public func person(commitment: String) throws -> RegisteredPerson? {
    persons[commitment].map { RegisteredPerson(role: $0.role, erased: $0.sealed == nil) }
  }
  public func keepPerson(commitment: String, role: String, maskedID: String, sealed: [UInt8]) throws {
    persons[commitment] = (role, maskedID, sealed)
  }
  public func erasePersons(ofParent parent: String) throws {
    for commitment in lookups.familyCommitments(ofParent: parent) {
      persons[commitment]?.maskedID = ErasureOperation.erasedMark
      persons[commitment]?.sealed = nil
    }
  }
}
